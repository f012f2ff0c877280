import CofferCrypto
import Foundation

/// `coffer restore`: puts the databases of a backup back into a data directory.
///
/// In order, before anything is changed:
/// 1. the manifest is read and every file to restore is checked against its size and SHA-256,
///    and its schema version must be one this program knows;
/// 2. a keyring is restored only if the master key file holds every master key version its
///    wrapped keys name (the master key is never part of a backup);
/// 3. the vault and the keyring that will be in place together (restored or live) must fit:
///    every identifier and data key of a tenant the keyring holds must name a tenant key version
///    the keyring has (a vault from before a `KEY ROTATE` does not fit a keyring from after it),
///    and the vault must not hold rows of tenants the keyring never had (a keyring older than
///    the vault), which a server would purge as shredded, nor audit details under an audit key
///    the keyring lacks. Either is refused, `force` or not:
///    giving up data must be a deliberate act, not a side effect of a restore. Rows of tenants
///    the keyring had and no longer has are those of shredded tenants: they stay unreadable,
///    and the server purges them;
/// 4. both databases of the data directory are locked exclusively: if any other process (a
///    running server, even an idle one) has one open, the restore is refused (see
///    `ExclusiveDatabase`), and while the lock is held no server can open them. Step 3 read the
///    live files before the lock; anything that could have changed them since would have had
///    them open, and made the lock fail;
/// 5. a target that already holds a database is replaced only with `force`.
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
            sources[part] = try openCopy(backup + "/" + part.fileName, part: part)
        }
        if let keyring = sources[.keyring] { try checkMasterKey(for: keyring, masterKeyPath: masterKeyPath) }
        var auditRecordsMissing: Int64 = 0
        let fit = try checkPair(sources: sources, dataDirectory: dataDirectory, auditRecordsMissing: &auditRecordsMissing)

        do { try SecretFile.makeDirectory(dataDirectory) } catch { throw .fileSystem(path: dataDirectory, reason: error.description) }
        // Lock both targets, also the one not restored: a server holds both open.
        var targets: [BackupPart: ExclusiveDatabase] = [:]
        var finished = false
        defer {
            if !finished {
                // Files this restore created are removed again: a refusal leaves no trace.
                let created = targets.values.filter(\.created).map(\.path)
                targets.removeAll()
                for path in created { BackupFiles.removeDatabase(path) }
            }
        }
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

        for part in parts {
            try targets[part]!.replaceContents(with: sources[part]!)
        }
        finished = true
        targets.removeAll()  // closes and unlocks
        try BackupFiles.syncDirectory(dataDirectory)
        return RestoreSummary(manifest: manifest, restored: parts, shreddedTenants: fit.shreddedTenants,
                              shreddedTenantSubjects: fit.shreddedTenantSubjects, auditRecordsMissing: auditRecordsMissing)
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

    /// Opens a backup copy read-only and refuses a schema newer than this program knows.
    private static func openCopy(_ path: String, part: BackupPart) throws(BackupError) -> Database {
        let database: Database
        let version: Int
        do {
            database = try Database(path: path, mode: .readOnly)
            version = try Migrator.userVersion(of: database)
        } catch {
            throw .database(path: path, error)
        }
        guard version <= part.newestSchemaVersion else {
            throw .schemaTooNew(file: path, version: version, newest: part.newestSchemaVersion)
        }
        return database
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

    /// Checks that the vault and keyring in place after the restore fit together (headers only,
    /// no key needed) and counts the rows of shredded tenants.
    /// `auditRecordsMissing` receives how many audit records the keyring's head names beyond the
    /// vault's trail: records written after the vault backup, which a restore of only the vault
    /// loses (the trail keeps the gap, and `coffer audit verify` reports it).
    private static func checkPair(sources: [BackupPart: Database], dataDirectory: String,
                                  auditRecordsMissing: inout Int64) throws(BackupError) -> VerificationReport {
        var report = VerificationReport(target: dataDirectory, isBackup: false, maximumProblemsListed: 1)
        let keyringPath = dataDirectory + "/" + BackupPart.keyring.fileName
        let vaultPath = dataDirectory + "/" + BackupPart.vault.fileName
        guard let vault = try restoredOrLive(sources[.vault], vaultPath) else { return report }
        let keyringDatabase = try restoredOrLive(sources[.keyring], keyringPath)
        do {
            guard try vault.row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'subjects'")?.int64(0) == 1 else {
                return report
            }
            let keyring = try keyringDatabase.map(KeyringContents.read(from:)) ?? .empty
            var scanner = VaultScanner(vault: vault, keyring: keyring)
            scanner.includeFields = false
            try scanner.scan(into: &report)
            for problem in try AuditPairCheck.detailProblems(vault: vault, keyring: keyring) { report.problem(problem) }
            auditRecordsMissing = try AuditPairCheck.recordsBeyondVault(vault: vault, keyring: keyring)
        } catch {
            throw .database(path: vault.path, error)
        }
        if report.unknownTenants > 0 { throw .keyringOlderThanVault(tenants: report.unknownTenants) }
        if let problem = report.problems.first { throw .keyringDoesNotFitVault(reason: problem) }
        return report
    }

    /// The restored copy if there is one, else a read-only connection to the live database, or
    /// nil if there is none.
    private static func restoredOrLive(_ restored: Database?, _ path: String) throws(BackupError) -> Database? {
        if let restored { return restored }
        guard let size = BackupFiles.size(path), size > 0 else { return nil }
        do { return try Database(path: path, mode: .readOnly) } catch { throw .database(path: path, error) }
    }
}
