import Foundation

/// `coffer backup`: a consistent copy of the vault and the keyring, taken while the server runs,
/// with a manifest.
///
/// Each database is opened read-only and copied with SQLite's online backup API in one step
/// from one WAL read transaction: a snapshot, and the server keeps writing meanwhile. The
/// vault's snapshot is taken first and the keyring's right after it, so the keyring copy holds
/// the keys of every vault row of the copy that was not shredded. A key rotation that commits
/// between the two snapshots could still leave a vault row wrapped under a key version the
/// keyring copy no longer holds, and an audited change committing between them could leave the
/// keyring's audit head ahead of the vault's trail; so when both are copied, every identifier,
/// data key and audit detail of the vault copy is checked against the keyring copy (envelope
/// headers only, no key needed), and so is the audit head, and the pair is taken again if they
/// do not fit.
///
/// The master key and the operator token are never copied: the master key is backed up
/// separately, offline, and a backup is useless without it.
public enum BackupCreator {
    /// How many times a pair that does not fit together is taken again before giving up.
    static let attempts = 3

    /// Copies `parts` of the data directory into `destination`, which must be missing or an
    /// empty directory; it is created with mode 0700, and every file in it with mode 0600.
    /// The manifest is written last: a directory without one is an incomplete backup.
    @discardableResult
    public static func create(dataDirectory: String, destination: String, parts: [BackupPart] = BackupPart.allCases,
                              cofferVersion: String, now: Date = Date()) throws(BackupError) -> BackupManifest {
        let parts = BackupPart.copyOrder.filter(parts.contains)
        guard !parts.isEmpty else { throw .missingDatabase(path: dataDirectory) }
        for part in parts where !FileManager.default.fileExists(atPath: dataDirectory + "/" + part.fileName) {
            throw .missingDatabase(path: dataDirectory + "/" + part.fileName)
        }
        try BackupFiles.prepareEmptyDirectory(destination)
        var finished = false
        defer {
            if !finished { for part in parts { BackupFiles.removeDatabase(destination + "/" + part.fileName) } }
        }

        var mismatch = ""
        for attempt in 1...attempts {
            if attempt > 1 { for part in parts { BackupFiles.removeDatabase(destination + "/" + part.fileName) } }
            try copy(parts, from: dataDirectory, to: destination)
            guard parts.count == 2 else { mismatch = ""; break }
            mismatch = try pairMismatch(in: destination)
            if mismatch.isEmpty { break }
        }
        guard mismatch.isEmpty else { throw .inconsistentSnapshot(reason: mismatch) }

        var entries: [BackupManifest.Entry] = []
        for part in parts {
            entries.append(try describe(part, in: destination))
        }
        let manifest = BackupManifest(created: BackupManifest.timestamp(now), cofferVersion: cofferVersion, files: entries)
        try BackupFiles.writeAtomically(try manifest.encoded(), to: destination + "/" + BackupManifest.fileName)
        finished = true
        return manifest
    }

    /// Copies the parts. The read snapshots of all sources are pinned first, in copy order and
    /// microseconds apart, and each copy is then taken from its pinned snapshot (the backup API
    /// uses the source connection's open read transaction): the pair is as close to one instant
    /// as two files allow, however long the copying takes.
    private static func copy(_ parts: [BackupPart], from dataDirectory: String, to destination: String) throws(BackupError) {
        try pinAndCopy(parts, from: dataDirectory, to: destination)
        // The live snapshots are released: now the slow part, the syncs.
        for part in parts {
            let path = destination + "/" + part.fileName
            do { try Database.finishSnapshot(path) } catch { throw .database(path: path, error) }
        }
    }

    private static func pinAndCopy(_ parts: [BackupPart], from dataDirectory: String, to destination: String) throws(BackupError) {
        var sources: [(part: BackupPart, database: Database)] = []
        for part in parts {
            let path = dataDirectory + "/" + part.fileName
            do { sources.append((part, try Database(path: path, mode: .readOnly))) } catch { throw .database(path: path, error) }
        }
        var pinned: [Database] = []
        defer { for database in pinned { try? database.execute("COMMIT") } }
        for source in sources {
            do {
                try source.database.execute("BEGIN")
                pinned.append(source.database)
                _ = try source.database.row("SELECT count(*) FROM sqlite_master")
            } catch {
                throw .database(path: source.database.path, error)
            }
        }
        for source in sources {
            do { try source.database.snapshot(to: destination + "/" + source.part.fileName) } catch {
                throw .database(path: source.database.path, error)
            }
        }
    }

    /// Empty when the vault copy and the keyring copy fit together; otherwise the first reason:
    /// a vault row under a tenant key version the keyring lacks, rows of a tenant it never had,
    /// audit details under an audit key it lacks, or an audit head newer than the vault's trail.
    private static func pairMismatch(in directory: String) throws(BackupError) -> String {
        let vaultPath = directory + "/" + BackupPart.vault.fileName
        let keyringPath = directory + "/" + BackupPart.keyring.fileName
        do {
            let keyring = try KeyringContents.read(from: try Database(path: keyringPath, mode: .readOnly))
            let vault = try Database(path: vaultPath, mode: .readOnly)
            var scanner = VaultScanner(vault: vault, keyring: keyring)
            scanner.includeFields = false
            var report = VerificationReport(target: directory, isBackup: true, maximumProblemsListed: 1)
            try scanner.scan(into: &report)
            if let problem = report.problems.first { return problem }
            if let problem = try AuditPairCheck.detailProblems(vault: vault, keyring: keyring).first { return problem }
            let beyond = try AuditPairCheck.recordsBeyondVault(vault: vault, keyring: keyring)
            return beyond > 0 ? "the keyring's audit head is \(beyond) record(s) ahead of the vault's audit trail" : ""
        } catch {
            throw .database(path: directory, error)
        }
    }

    /// The manifest entry of a copied part: size, hash, schema version, master key versions.
    private static func describe(_ part: BackupPart, in directory: String) throws(BackupError) -> BackupManifest.Entry {
        let path = directory + "/" + part.fileName
        let userVersion: Int
        var masterKeyVersions: [UInt32]?
        do {
            let database = try Database(path: path, mode: .readOnly)
            userVersion = try Migrator.userVersion(of: database)
            if part == .keyring { masterKeyVersions = try KeyringContents.read(from: database).masterKeyVersions().versions }
        } catch {
            throw .database(path: path, error)
        }
        let digest = try FileDigest.sha256(ofFileAt: path)
        return BackupManifest.Entry(part: part, bytes: digest.bytes, sha256: digest.sha256, userVersion: userVersion,
                                    masterKeyVersions: masterKeyVersions)
    }
}
