import CofferCrypto
import Foundation

/// `coffer restore`: puts the databases of a backup back into a data directory.
///
/// In order, before anything is changed:
/// 1. the manifest is read and every file to restore is checked against its size and SHA-256,
///    and its schema version must be one this program knows;
/// 2. a keyring is restored only if the master key file holds every master key version its
///    wrapped keys name (the master key is never part of a backup);
/// 3. both databases of the data directory are locked exclusively: if any other process (a
///    running server, even an idle one) has one open, the restore is refused (see
///    `ExclusiveDatabase`), and while the lock is held no server can open them;
/// 4. a target that already holds a database is replaced only with `force`;
/// 5. the vault and keyring that will be in place together are compared: if the vault has rows
///    of tenants the keyring never had (an older keyring than the vault), a server would purge
///    them as shredded, so the restore is refused unless `force`. Rows of tenants the keyring had
///    and no longer has are those of shredded tenants: they stay unreadable and are purged.
///
/// Each database is then replaced with SQLite's online backup API through the locked
/// connection, in one transaction each: a crash part way leaves the previous contents.
public enum BackupRestorer {
    /// Restores `parts` (default: every part the backup holds) from `backup` into `dataDirectory`.
    @discardableResult
    public static func restore(from backup: String, dataDirectory: String, masterKeyPath: String,
                               parts requested: [BackupPart]? = nil, force: Bool = false) throws(BackupError) -> RestoreSummary {
        let manifest = try BackupManifest.read(fromDirectory: backup)
        let parts = BackupPart.copyOrder.filter((requested ?? manifest.parts).contains)
        var sources: [BackupPart: Database] = [:]
        for part in parts {
            guard let entry = manifest.entry(for: part) else { throw .partNotInBackup(part) }
            try checkFile(entry, inDirectory: backup)
            let path = backup + "/" + part.fileName
            do {
                let database = try Database(path: path, mode: .readOnly)
                let version = try Migrator.userVersion(of: database)
                guard version <= part.newestSchemaVersion else {
                    throw BackupError.schemaTooNew(file: path, version: version, newest: part.newestSchemaVersion)
                }
                sources[part] = database
            } catch let error as BackupError {
                throw error
            } catch let error as SQLiteError {
                throw .database(path: path, error)
            } catch {
                throw .fileSystem(path: path, reason: "cannot open")
            }
        }
        if let keyring = sources[.keyring] { try checkMasterKey(for: keyring, masterKeyPath: masterKeyPath) }

        do { try SecretFile.makeDirectory(dataDirectory) } catch { throw .fileSystem(path: dataDirectory, reason: error.description) }
        // Lock both targets, also the one not restored: a server holds both open.
        var targets: [BackupPart: ExclusiveDatabase] = [:]
        for part in BackupPart.copyOrder {
            let path = dataDirectory + "/" + part.fileName
            guard parts.contains(part) || FileManager.default.fileExists(atPath: path) else { continue }
            targets[part] = try ExclusiveDatabase(path: path)
        }
        var occupied: [BackupPart] = []
        for part in parts where try targets[part]!.holdsDatabase() { occupied.append(part) }
        if !occupied.isEmpty && !force {
            throw .targetHoldsData(paths: occupied.map { dataDirectory + "/" + $0.fileName })
        }

        let keyring = try keyringTenants(restored: sources[.keyring], live: targets[.keyring])
        let vaultTenants = try vaultTenantCounts(restored: sources[.vault], live: targets[.vault])
        var shredded = (tenants: 0, subjects: 0)
        var unknownTenants = 0
        for (tenant, subjects) in vaultTenants where !keyring.ids.contains(tenant) {
            if tenant <= keyring.highest {
                shredded.tenants += 1
                shredded.subjects += subjects
            } else {
                unknownTenants += 1
            }
        }
        if unknownTenants > 0 && !force { throw .keyringOlderThanVault(tenants: unknownTenants) }

        for part in parts {
            try targets[part]!.replaceContents(with: sources[part]!)
        }
        targets.removeAll()  // closes and unlocks
        try BackupFiles.syncDirectory(dataDirectory)
        return RestoreSummary(manifest: manifest, restored: parts, shreddedTenants: shredded.tenants,
                              shreddedTenantSubjects: shredded.subjects)
    }

    /// Checks one file of a backup against its manifest entry: present, same size, same SHA-256.
    public static func checkFile(_ entry: BackupManifest.Entry, inDirectory directory: String) throws(BackupError) {
        let path = directory + "/" + entry.part.fileName
        guard let size = BackupFiles.size(path) else { throw .missingDatabase(path: path) }
        guard size == entry.bytes else {
            throw .hashMismatch(file: path, reason: "\(size) bytes, the manifest says \(entry.bytes)")
        }
        let digest = try FileDigest.sha256(ofFileAt: path)
        // Hashes of a backup file are not secret; a plain comparison leaks nothing.
        guard digest.sha256 == entry.sha256 else { throw .hashMismatch(file: path, reason: "its SHA-256 differs") }
    }

    /// The master key file must hold every master key version the keyring's wrapped keys name.
    private static func checkMasterKey(for keyring: Database, masterKeyPath: String) throws(BackupError) {
        let versions: [UInt32]
        do { versions = try KeyringContents.read(from: keyring).masterKeyVersions().versions } catch {
            throw .database(path: keyring.path, error)
        }
        guard !versions.isEmpty else { return }
        let file: MasterKeyFile
        do { file = try MasterKeyFile.load(from: masterKeyPath) } catch {
            throw .masterKey("the master key file is needed to restore a keyring and is not part of a backup: \(error); "
                             + "restore it from its own (offline) backup first")
        }
        let missing = versions.filter { file.keys[$0] == nil }
        guard missing.isEmpty else {
            throw .masterKey("the keyring in the backup is wrapped under master key version(s) "
                             + "\(missing.map(String.init).joined(separator: ", ")), which \(masterKeyPath) does not hold; "
                             + "restore the master key file that was current when the backup was taken")
        }
    }

    /// Tenant ids and the highest id ever assigned, of the keyring that will be in place.
    private static func keyringTenants(restored: Database?, live: ExclusiveDatabase?) throws(BackupError) -> (ids: Set<Int64>, highest: Int64) {
        if let restored {
            do {
                let contents = try KeyringContents.read(from: restored)
                return (Set(contents.tenants.keys), contents.highestTenantID)
            } catch {
                throw .database(path: restored.path, error)
            }
        }
        guard let live, try live.hasTable("tenants") else { return ([], 0) }
        let ids = Set(try live.integerRows("SELECT id FROM tenants").compactMap(\.first))
        let sequence = try live.integerRows("SELECT seq FROM sqlite_sequence WHERE name = 'tenants'").first?.first ?? 0
        return (ids, max(sequence, ids.max() ?? 0))
    }

    /// Subjects per tenant id, of the vault that will be in place.
    private static func vaultTenantCounts(restored: Database?, live: ExclusiveDatabase?) throws(BackupError) -> [Int64: Int] {
        let sql = "SELECT tenant_id, count(*) FROM subjects GROUP BY tenant_id"
        let rows: [[Int64]]
        if let restored {
            do { rows = try restored.rows(sql).map { [$0.int64(0) ?? 0, $0.int64(1) ?? 0] } } catch {
                throw .database(path: restored.path, error)
            }
        } else if let live, try live.hasTable("subjects") {
            rows = try live.integerRows(sql)
        } else {
            rows = []
        }
        return Dictionary(rows.map { ($0[0], Int($0[1])) }, uniquingKeysWith: +)
    }
}
