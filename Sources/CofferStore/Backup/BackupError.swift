import Foundation

/// Why a backup, a restore or reading a backup failed.
///
/// Every case names files, directories, tenant counts or schema versions: never a value, a
/// subject identifier, a token or key bytes.
public enum BackupError: Error, Sendable, CustomStringConvertible {
    /// The backup destination exists and is not an empty directory.
    case destinationNotEmpty(path: String)
    /// A file or directory could not be created, read, written or synced.
    case fileSystem(path: String, reason: String)
    /// SQLite failed on one of the databases.
    case database(path: String, SQLiteError)
    /// The data directory (or the backup) has no such database.
    case missingDatabase(path: String)
    /// The backup's manifest is missing, malformed or of an unknown format.
    case manifest(path: String, reason: String)
    /// A file of the backup differs from what the manifest recorded.
    case hashMismatch(file: String, reason: String)
    /// The restore asked for a part that the backup does not hold.
    case partNotInBackup(BackupPart)
    /// A database uses a newer schema than this program knows.
    case schemaTooNew(file: String, version: Int, newest: Int)
    /// The copies of the vault and the keyring did not fit together, even after retrying.
    case inconsistentSnapshot(reason: String)
    /// Another process (a running server) has the database open.
    case inUse(path: String)
    /// The restore target already holds databases, and `force` was not given.
    case targetHoldsData(paths: [String])
    /// The vault names tenants that the keyring never had: the keyring is older than the vault
    /// (or from another installation); a server would purge those rows as shredded.
    case keyringOlderThanVault(tenants: Int)
    /// The vault names tenant key versions the keyring does not hold (for example a vault from
    /// before a `KEY ROTATE` with a keyring from after it): those rows could not be read.
    case keyringDoesNotFitVault(reason: String)
    /// The master key file cannot unwrap the keyring being restored.
    case masterKey(String)

    /// A one-line explanation for the operator, with what to do where there is a choice.
    public var description: String {
        switch self {
        case .destinationNotEmpty(let path):
            return "the backup destination \(path) is not an empty directory; choose a new one"
        case .fileSystem(let path, let reason):
            return "\(path): \(reason)"
        case .database(let path, let error):
            return "\(path): \(error.description)"
        case .missingDatabase(let path):
            return "no database at \(path)"
        case .manifest(let path, let reason):
            return "backup manifest \(path): \(reason)"
        case .hashMismatch(let file, let reason):
            return "\(file) does not match the backup manifest: \(reason)"
        case .partNotInBackup(let part):
            return "the backup holds no \(part.fileName)"
        case .schemaTooNew(let file, let version, let newest):
            return "\(file) has schema version \(version), newer than this program knows (\(newest)); use a newer coffer"
        case .inconsistentSnapshot(let reason):
            return "the vault and keyring copies do not fit together (\(reason)); the backup was removed, try again"
        case .inUse(let path):
            return "\(path) is open in another process (is the server running?); stop the server first"
        case .targetHoldsData(let paths):
            return "the data directory already holds \(paths.joined(separator: ", ")); pass --force to replace them"
        case .keyringOlderThanVault(let tenants):
            return "the vault holds rows of \(tenants) tenant(s) that the keyring never had: the keyring is older than the vault "
                + "or belongs to another installation, and a server would purge those rows as shredded; restore the vault "
                + "and the keyring of one backup together (or move vault.db away if those tenants are to be given up)"
        case .keyringDoesNotFitVault(let reason):
            return "the vault and the keyring would not fit together (\(reason)); restore the vault and the keyring "
                + "of one backup together"
        case .masterKey(let reason):
            return reason
        }
    }

    /// The text of `errno` for the current thread.
    static func errnoText() -> String { String(cString: strerror(errno)) }
}
