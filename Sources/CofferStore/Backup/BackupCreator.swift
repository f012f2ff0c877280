import Foundation

/// `coffer backup`: a consistent copy of the vault and the keyring, taken while the server runs,
/// with a manifest.
///
/// Each database is opened read-only and copied with SQLite's online backup API in one step
/// (one WAL read transaction: a snapshot, and the server keeps writing meanwhile). The vault is
/// copied first and the keyring second, so the keyring copy holds the keys of every vault row of
/// the copy that was not shredded. A key rotation that commits between the two copies could
/// still leave a vault row wrapped under a key version the keyring copy no longer holds; so when
/// both are copied, every identifier and data key of the vault copy is checked against the
/// keyring copy (envelope headers only, no key needed), and the pair is taken again if they do
/// not fit.
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
            for part in parts {
                let copy = destination + "/" + part.fileName
                if attempt > 1 { BackupFiles.removeDatabase(copy) }
                try snapshot(dataDirectory + "/" + part.fileName, to: copy)
            }
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

    private static func snapshot(_ source: String, to copy: String) throws(BackupError) {
        do {
            try Database(path: source, mode: .readOnly).snapshot(to: copy)
        } catch {
            throw .database(path: source, error)
        }
    }

    /// Empty when the vault copy and the keyring copy fit together; otherwise the first reason.
    private static func pairMismatch(in directory: String) throws(BackupError) -> String {
        let vaultPath = directory + "/" + BackupPart.vault.fileName
        let keyringPath = directory + "/" + BackupPart.keyring.fileName
        do {
            let keyring = try KeyringContents.read(from: try Database(path: keyringPath, mode: .readOnly))
            var scanner = VaultScanner(vault: try Database(path: vaultPath, mode: .readOnly), keyring: keyring)
            scanner.includeFields = false
            var report = VerificationReport(target: directory, isBackup: true, maximumProblemsListed: 1)
            try scanner.scan(into: &report)
            return report.problems.first ?? ""
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
