/// One of the two databases a backup can hold.
///
/// They are backed up separately on purpose: a vault copy without a keyring is unreadable, so
/// vault and keyring backups can be kept for different times (see docs/OPERATIONS.md).
public enum BackupPart: String, Sendable, CaseIterable, Codable {
    /// `vault.db`: subjects, their wrapped data keys and sealed fields. Unreadable without the keyring.
    case vault
    /// `keyring.db`: tenants and their wrapped keys. Small; what a tenant shred destroys.
    case keyring

    /// The file name, the same in the data directory and in a backup directory.
    public var fileName: String { rawValue + ".db" }

    /// The order in which a backup copies the parts. The vault goes first, so that the keyring
    /// copy is at least as new as the vault copy: it then holds the keys of every vault row
    /// that was not shredded, which is what a restore needs.
    static let copyOrder: [BackupPart] = [.vault, .keyring]

    /// The newest schema version (`PRAGMA user_version`) this program knows for the part.
    var newestSchemaVersion: Int {
        switch self {
        case .vault: return Schema.vault.map(\.version).max() ?? 0
        case .keyring: return Schema.keyring.map(\.version).max() ?? 0
        }
    }
}
