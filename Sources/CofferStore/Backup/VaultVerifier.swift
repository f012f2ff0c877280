import CofferCrypto
import Foundation

/// `coffer verify`: checks that a data directory, or a backup, can be read in full.
///
/// - each database passes `PRAGMA integrity_check` and `PRAGMA foreign_key_check`, and has a
///   schema this program knows;
/// - every wrapped key of the keyring unwraps under the master key file;
/// - every ciphertext and wrapped key of the vault has a readable envelope header naming a key
///   version that exists (in the keyring for identifiers and data keys, among the subject's data
///   keys for field values);
/// - a random sample of subjects per tenant is decrypted end to end;
/// - for a backup, every file matches the size and SHA-256 of the manifest;
/// - audit details are sealed under audit keys the keyring holds, and the audit chain of a vault
///   and keyring that belong together verifies (as `coffer audit verify`).
///
/// Vault rows of shredded tenants (in the vault, absent from the keyring, which once had them)
/// are counted as unreadable, as intended: not a problem. Verification only reads: a live data
/// directory may be verified while the server runs.
public enum VaultVerifier {
    /// Verifies the databases of a data directory.
    public static func verify(dataDirectory: String, masterKeyPath: String,
                              options: VerificationOptions = VerificationOptions()) -> VerificationReport {
        var report = VerificationReport(target: dataDirectory, isBackup: false, maximumProblemsListed: options.maximumProblemsListed)
        let vault = dataDirectory + "/" + BackupPart.vault.fileName
        let keyring = dataDirectory + "/" + BackupPart.keyring.fileName
        for path in [vault, keyring] where !FileManager.default.fileExists(atPath: path) {
            report.problem("\(path) is missing")
        }
        guard report.isHealthy else { return report }
        verifyDatabases(vault: vault, keyring: keyring, masterKeyPath: masterKeyPath, options: options, report: &report)
        verifyAuditTrail(directory: dataDirectory, masterKeyPath: masterKeyPath, report: &report)
        return report
    }

    /// Verifies a backup directory. A backup without a keyring (`--only vault`) is checked against
    /// the keyring of `liveDataDirectory`, which is what restoring only the vault would pair it
    /// with; a backup without a vault is checked on its own.
    public static func verify(backup directory: String, liveDataDirectory: String?, masterKeyPath: String,
                              options: VerificationOptions = VerificationOptions()) -> VerificationReport {
        var report = VerificationReport(target: directory, isBackup: true, maximumProblemsListed: options.maximumProblemsListed)
        let manifest: BackupManifest
        do { manifest = try BackupManifest.read(fromDirectory: directory) } catch {
            report.problem(error.description)
            return report
        }
        report.note("manifest: taken \(manifest.created) by coffer \(manifest.cofferVersion); holds \(manifest.parts.map(\.fileName).joined(separator: ", "))")
        for entry in manifest.files {
            do { try BackupRestorer.checkFile(entry, inDirectory: directory) } catch {
                report.problem(error.description)
            }
        }
        guard report.isHealthy else { return report }
        report.note("manifest: every file matches its size and SHA-256")
        var keyring = manifest.entry(for: .keyring).map { _ in directory + "/" + BackupPart.keyring.fileName }
        if keyring == nil, manifest.entry(for: .vault) != nil {
            guard let liveDataDirectory else {
                report.problem("the backup holds no keyring, and there is no live keyring to check the vault against")
                return report
            }
            keyring = liveDataDirectory + "/" + BackupPart.keyring.fileName
            report.note("keyring: the backup holds none; checking the vault against the live keyring \(keyring!), as a restore of only the vault would")
        }
        let vault = manifest.entry(for: .vault).map { _ in directory + "/" + BackupPart.vault.fileName }
        verifyDatabases(vault: vault, keyring: keyring, masterKeyPath: masterKeyPath, options: options, report: &report)
        if manifest.parts.count == 2 {
            verifyAuditTrail(directory: directory, masterKeyPath: masterKeyPath, report: &report)
        } else if vault != nil {
            report.note("audit: not checked against the live keyring's head: restoring only this vault loses the records "
                        + "written since the backup, and coffer audit verify then reports that gap")
        }
        return report
    }

    // MARK: Steps

    private static func verifyDatabases(vault vaultPath: String?, keyring keyringPath: String?, masterKeyPath: String,
                                        options: VerificationOptions, report: inout VerificationReport) {
        let keyringDatabase = keyringPath.flatMap { checkFile($0, part: .keyring, report: &report) }
        let vaultDatabase = vaultPath.flatMap { checkFile($0, part: .vault, report: &report) }
        guard let keyringDatabase else { return }

        // The vault's snapshot is taken first and the keyring read after it, so the keyring is
        // at least as new as the vault, as in a backup: a tenant created meanwhile has no rows
        // in this vault snapshot, one shredded meanwhile reads as shredded.
        if let vaultDatabase {
            do {
                try vaultDatabase.execute("BEGIN")
                _ = try vaultDatabase.row("SELECT count(*) FROM subjects")
            } catch {
                report.problem("\(vaultDatabase.path): \(error.description)")
                return
            }
        }
        defer { try? vaultDatabase?.execute("COMMIT") }

        let keyring: KeyringContents
        do { keyring = try KeyringContents.read(from: keyringDatabase) } catch {
            report.problem("\(keyringDatabase.path): \(error.description)")
            return
        }
        let (tenantKeys, master) = checkKeyring(keyring, masterKeyPath: masterKeyPath, report: &report)
        if let master {
            do {
                let problems = try AuthorityCheck.problems(keyring: keyringDatabase, vault: vaultDatabase, contents: keyring, master: master)
                for problem in problems { report.problem(problem) }
                if problems.isEmpty { report.note("keyring: every tenant row, credential and subject token carries its authority MAC") }
            } catch {
                report.problem("\(keyringDatabase.path): \(error)")
            }
        }
        guard let vaultDatabase else { return }

        var scanner = VaultScanner(vault: vaultDatabase, keyring: keyring)
        scanner.tenantKeys = tenantKeys
        do {
            scanner.sample = try sample(vaultDatabase, tenants: Array(tenantKeys.keys), size: options.sampleSize)
            try scanner.scan(into: &report)
        } catch {
            report.problem("\(vaultDatabase.path): \(error.description)")
            return
        }
        report.note("vault: \(report.subjects) subjects of \(report.tenants) tenants, \(report.dataKeys) data keys, "
                    + "\(report.fields) field values: every envelope header readable and naming a key that exists"
                    + (report.isHealthy ? "" : " (except the problems below)"))
        if report.shreddedTenants > 0 {
            report.note("vault: \(report.shreddedTenantSubjects) subjects of \(report.shreddedTenants) shredded tenant(s): "
                        + "unreadable (shredded tenant), as expected; a server purges them")
        }
        report.note("sample: \(report.sampledSubjects) subjects decrypted end to end (\(report.decryptedFields) field values), "
                    + "up to \(options.sampleSize) per tenant")
        do {
            let problems = try AuditPairCheck.detailProblems(vault: vaultDatabase, keyring: keyring)
            for problem in problems { report.problem(problem) }
        } catch {
            report.problem("\(vaultDatabase.path): \(error.description)")
        }
    }

    /// The audit chain of a vault and keyring that belong together (`AuditVerifier`, the check
    /// `coffer audit verify` runs): every record's MAC, no gap, the end at the keyring's head.
    private static func verifyAuditTrail(directory: String, masterKeyPath: String, report: inout VerificationReport) {
        let configuration = VaultConfiguration(dataDirectory: directory, masterKeyPath: masterKeyPath, createMissingMasterKey: false)
        do {
            let keyring = try Database(path: configuration.keyringPath, mode: .readOnly)
            let vault = try Database(path: configuration.vaultPath, mode: .readOnly)
            guard try Migrator.userVersion(of: keyring) >= 3, try Migrator.userVersion(of: vault) >= 5,
                  try vault.row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'")?.int64(0) == 1 else {
                report.note("audit: these databases predate the audit trail")
                return
            }
        } catch {
            report.problem("audit: \(error.description)")
            return
        }
        do {
            let result = try AuditVerifier.verify(configuration: configuration)
            if let problem = result.problem {
                report.problem("audit: record \(problem.seq): \(problem.reason)")
            } else {
                report.note("audit: \(result.records) records chain intact" + (result.headSeq.map { " up to the keyring's head, record \($0)" } ?? ""))
            }
        } catch {
            report.problem("audit: \(error.description)")
        }
    }

    /// Opens a database read-only and checks its integrity, foreign keys and schema version.
    /// Returns nil (with a problem) when it cannot be used further.
    private static func checkFile(_ path: String, part: BackupPart, report: inout VerificationReport) -> Database? {
        guard FileManager.default.fileExists(atPath: path) else {
            report.problem("\(path) is missing")
            return nil
        }
        let database: Database
        let integrity: [String]
        let foreignKeyViolations: Int
        let userVersion: Int
        do {
            database = try Database(path: path, mode: .readOnly)
            integrity = try database.integrityCheck()
            foreignKeyViolations = try database.rows("PRAGMA foreign_key_check").count
            userVersion = try Migrator.userVersion(of: database)
        } catch {
            report.problem("\(path): \(error.description)")
            return nil
        }
        guard integrity == ["ok"] else {
            report.problem("\(path): integrity_check failed: \(integrity.prefix(3).joined(separator: "; "))")
            return nil
        }
        if foreignKeyViolations > 0 { report.problem("\(path): \(foreignKeyViolations) row(s) refer to rows that do not exist") }
        guard userVersion <= part.newestSchemaVersion else {
            report.problem(BackupError.schemaTooNew(file: path, version: userVersion, newest: part.newestSchemaVersion).description)
            return nil
        }
        let migration = userVersion < part.newestSchemaVersion ? " (the server migrates it to \(part.newestSchemaVersion) when it opens it)" : ""
        report.note("\(part.fileName): integrity ok, schema version \(userVersion)\(migration)")
        return database
    }

    /// Checks every wrapped key of the keyring; returns the unwrapped keys of sound tenants.
    /// The tenants' unwrapped keys, and the master key when it loaded.
    private static func checkKeyring(_ keyring: KeyringContents, masterKeyPath: String,
                                     report: inout VerificationReport) -> ([Int64: TenantKeys], MasterKeyring?) {
        let (versions, unreadable) = keyring.masterKeyVersions()
        report.masterKeyVersions = versions
        report.tenants = keyring.tenants.count
        for label in unreadable { report.problem("keyring: the envelope header of the \(label) is unreadable") }
        let master: MasterKeyring
        do {
            master = try MasterKeyring(file: try MasterKeyFile.load(from: masterKeyPath))
        } catch {
            report.problem("master key: \(error)")
            return ([:], nil)
        }
        let missing = versions.filter { master.ciphers[$0] == nil }
        if !missing.isEmpty {
            report.problem("keyring: wrapped under master key version(s) \(missing.map(String.init).joined(separator: ", ")), "
                           + "which \(masterKeyPath) does not hold")
        }
        let problemsBefore = report.problemCount
        let keys = VerificationKeys.unwrap(keyring, master: master, report: &report)
        if report.problemCount == problemsBefore {
            report.note("keyring: \(keyring.tenants.count) tenants; every wrapped key unwraps under master key version(s) "
                        + versions.map(String.init).joined(separator: ", "))
        }
        return (keys, master)
    }

    /// Up to `size` random subjects of each tenant.
    private static func sample(_ vault: Database, tenants: [Int64], size: Int) throws(SQLiteError) -> Set<Int64> {
        guard size > 0 else { return [] }
        var chosen = Set<Int64>()
        for tenant in tenants {
            for row in try vault.rows("SELECT id FROM subjects WHERE tenant_id = ? ORDER BY random() LIMIT ?", tenant, size) {
                if let id = row.int64(0) { chosen.insert(id) }
            }
        }
        return chosen
    }
}
