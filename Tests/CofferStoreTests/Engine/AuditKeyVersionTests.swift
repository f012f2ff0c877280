import CofferCrypto
import XCTest
@testable import CofferStore

/// The tenant audit key's nonce budget: its seals are counted, a new version replaces it at the
/// budget, every version a kept record needs stays (and no longer), and a shred destroys them all.
final class AuditKeyVersionTests: AuditTestCase {
    /// A read's record about `subject`: it seals one detail under the tenant's audit key.
    private func recordRead(_ vault: Vault, about subject: String, tenant: String = "acme") {
        vault.recordAudit(AuditEvent(actor: .tenant(TenantRef(tenant)), action: "GET", subject: subject, fields: ["phone"]))
    }

    private func tenantID(_ name: String) throws -> Int64 {
        try XCTUnwrap(rawDatabase("keyring.db").row("SELECT id FROM tenants WHERE name = ?", name)?.int64(0))
    }

    /// The tenant's audit key versions in the keyring.
    private func auditKeyVersions(_ tenant: String = "acme") throws -> [Int64] {
        try rawDatabase("keyring.db").rows("SELECT version FROM tenant_audit_keys WHERE tenant_id = ? ORDER BY version",
                                           try tenantID(tenant)).compactMap { $0.int64(0) }
    }

    /// The version each of the tenant's details names in its envelope header, in seq order.
    private func detailVersions(_ tenant: String = "acme") throws -> [UInt32] {
        try rawDatabase("vault.db").rows("SELECT detail FROM audit WHERE tenant_id = ? AND detail IS NOT NULL ORDER BY seq",
                                         try tenantID(tenant)).map { try Envelope.keyVersion(of: $0.blob(0) ?? []) }
    }

    private func wrappedAuditKeys(_ tenant: String = "acme", versions: ClosedRange<Int64> = 1...Int64.max) throws -> [[UInt8]] {
        try rawDatabase("keyring.db").rows("SELECT wrapped FROM tenant_audit_keys WHERE tenant_id = ? AND version BETWEEN ? AND ?",
                                           try tenantID(tenant), versions.lowerBound, versions.upperBound).compactMap { $0.blob(0) }
    }

    private func subjectsInTrail(_ vault: Vault) throws -> [String] {
        try vault.auditTrail(tenant: "acme", limit: 1000).compactMap(\.subject)
    }

    func testDetailSealsAreCountedAndTheKeyIsReplacedAtTheBudget() throws {
        configuration.nonceBudget = 5
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            for i in 0..<5 { recordRead(vault, about: "s\(i)") }
            XCTAssertEqual(try auditKeyVersions(), [1])
            let seals = try rawDatabase("keyring.db").row("SELECT seals FROM tenant_audit_keys WHERE version = 1")?.int64(0)
            XCTAssertGreaterThanOrEqual(seals ?? 0, 5, "the persisted reservation covers every seal")

            recordRead(vault, about: "s5")
            XCTAssertEqual(try auditKeyVersions(), [1, 2], "the sixth detail needed a new version")
            XCTAssertEqual(try detailVersions(), [1, 1, 1, 1, 1, 2])
        }
        // After a restart the count resumes from the reservation, which over-counts, never under.
        let vault = try openVault()
        recordRead(vault, about: "s6")
        XCTAssertEqual(try detailVersions(), [1, 1, 1, 1, 1, 2, 3])
        XCTAssertEqual(try subjectsInTrail(vault), (0...6).reversed().map { "s\($0)" })
    }

    func testDetailsUnderEveryVersionStayReadableThroughAUDITVerifyAndARestoredBackup() throws {
        configuration.nonceBudget = 3
        let subjects = (0..<10).map { "person-\($0)@example.com" }
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            for subject in subjects { recordRead(vault, about: subject) }
            XCTAssertEqual(try auditKeyVersions(), [1, 2, 3, 4])
            XCTAssertEqual(try subjectsInTrail(vault), subjects.reversed())
            vault.waitForMaintenance()
        }
        let vault = try openVault()
        XCTAssertEqual(try subjectsInTrail(vault), subjects.reversed(), "every version unwraps from the keyring")
        assertIntact(try verifyFiles(), records: 10)
        let report = VaultVerifier.verify(dataDirectory: configuration.dataDirectory, masterKeyPath: configuration.masterKeyPath,
                                          options: VerificationOptions())
        XCTAssertTrue(report.isHealthy, "\(report.problems)")

        let backup = directory + "/backup"
        try BackupCreator.create(dataDirectory: configuration.dataDirectory, destination: backup, cofferVersion: "test")
        var restored = configuration!
        restored.dataDirectory = directory + "/restored"
        try BackupRestorer.restore(from: backup, dataDirectory: restored.dataDirectory, masterKeyPath: configuration.masterKeyPath)
        XCTAssertEqual(try subjectsInTrail(try Vault(configuration: restored)), subjects.reversed())
    }

    func testATenantShredDestroysEveryVersionOfItsAuditKey() throws {
        configuration.nonceBudget = 2
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        _ = try vault.createTenant("globex")
        for i in 0..<5 { recordRead(vault, about: "s\(i)") }
        recordRead(vault, about: "g", tenant: "globex")
        vault.waitForQueuedWrites()
        vault.waitForMaintenance()  // master rotations the small budget started: they rewrap
        let acme = try tenantID("acme")
        let destroyed = try wrappedAuditKeys()
        XCTAssertEqual(destroyed.count, 3)
        for bytes in destroyed { XCTAssertFalse(filesContaining(bytes, in: databaseFiles()).isEmpty, "control") }

        try vault.shredTenant("acme")
        vault.waitForPurge()

        for bytes in destroyed {
            XCTAssertEqual(filesContaining(bytes, in: databaseFiles()), [], "every audit key version is gone from db, wal and shm")
        }
        XCTAssertEqual(try rawDatabase("keyring.db").row("SELECT count(*) FROM tenant_audit_keys WHERE tenant_id = ?", acme)?.int64(0), 0)
        XCTAssertEqual(try vault.auditTrail(tenant: "globex", limit: 10).first?.subject, "g", "another tenant's audit key is untouched")
        assertIntact(try verifyFiles())
    }

    func testRetentionDestroysTheVersionsNoKeptRecordNeeds() throws {
        let clock = AuditTestClock()
        clock.drive(&configuration!)
        configuration.nonceBudget = 2
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        for i in 0..<5 { recordRead(vault, about: "old-\(i)") }
        clock.advance(by: 86400)
        for i in 0..<3 { recordRead(vault, about: "new-\(i)") }
        vault.waitForQueuedWrites()
        vault.waitForMaintenance()
        XCTAssertEqual(try detailVersions(), [1, 1, 2, 2, 3, 3, 4, 4])
        let retired = try wrappedAuditKeys(versions: 1...2)
        XCTAssertEqual(retired.count, 2)

        XCTAssertEqual(try vault.pruneAudit(before: clock.now - 3600), 5)

        XCTAssertEqual(try auditKeyVersions(), [3, 4], "version 3 still seals a kept record")
        for bytes in retired {
            XCTAssertEqual(filesContaining(bytes, in: databaseFiles()), [], "a retired version is gone from db, wal and shm")
        }
        XCTAssertEqual(try subjectsInTrail(vault), ["new-2", "new-1", "new-0"])
        assertIntact(try verifyFiles())
    }

    /// A keyring written by the code of keyring schema 3 (one unversioned audit key per tenant,
    /// in `tenants.audit_key`) is migrated at start; the records sealed under that key stay
    /// readable, and its uncounted seals are bounded.
    func testAKeyringAtSchema3WithRecordsIsMigratedAndItsRecordsStayReadable() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            _ = try vault.createTenant("quiet")  // never audited with a detail: no audit key
            for i in 0..<4 { recordRead(vault, about: "before-\(i)") }
            vault.waitForQueuedWrites()
        }
        let acme = try tenantID("acme")
        let wrapped = try XCTUnwrap(wrappedAuditKeys().first)
        // Schema 3's code wrapped it with this context, the label and the tenant id: version 1 keeps it.
        let schema3Context = Array("coffer/tenant-audit-key".utf8) + [0] + (0..<8).map { UInt8(truncatingIfNeeded: acme >> (56 - 8 * $0)) }
        let master = try MasterKeyring(file: try MasterKeyFile.load(from: configuration.masterKeyPath))
        XCTAssertNoThrow(try master.unwrap(wrapped, context: schema3Context))
        try rewriteKeyringAsSchema3()

        let oldReport = VaultVerifier.verify(dataDirectory: configuration.dataDirectory, masterKeyPath: configuration.masterKeyPath,
                                             options: VerificationOptions())
        XCTAssertTrue(oldReport.isHealthy, "coffer verify still reads a schema 3 keyring (an old backup): \(oldReport.problems)")

        let vault = try openVault()
        let keyring = try rawDatabase("keyring.db")
        XCTAssertEqual(try Migrator.userVersion(of: keyring), Schema.keyring.map(\.version).max())
        XCTAssertFalse(try keyring.rows("PRAGMA table_info(tenants)").contains { $0.text(1) == "audit_key" })
        let migrated = try keyring.rows("SELECT tenant_id, version, wrapped, seals FROM tenant_audit_keys")
        XCTAssertEqual(migrated.map { $0.int64(0) }, [acme])
        XCTAssertEqual(migrated.first?.int64(1), 1)
        XCTAssertEqual(migrated.first?.blob(2), wrapped, "the same wrapped key")
        XCTAssertEqual(migrated.first?.int64(3), 4 + SealBudget.blockSize, "bounded by the newest record, never uncounted")

        recordRead(vault, about: "after")
        XCTAssertEqual(try subjectsInTrail(vault), ["after", "before-3", "before-2", "before-1", "before-0"])
        XCTAssertEqual(try detailVersions(), [1, 1, 1, 1, 1])
        assertIntact(try verifyFiles(), records: 5)
    }

    /// Replaces keyring.db with a file of keyring schema 3 holding the same tenants, keys and
    /// audit head, each tenant's audit key (version 1) in `tenants.audit_key`.
    private func rewriteKeyringAsSchema3() throws {
        let path = configuration.dataDirectory + "/keyring.db"
        do {
            let current = try Database(path: path)
            let old = try Database(path: path + ".schema3")
            try Migrator.migrate(old, Schema.keyring.filter { $0.version <= 3 })
            let copies = [
                ("""
                 SELECT t.id, t.name, coalesce((SELECT c.digest FROM credentials c WHERE c.tenant_id = t.id LIMIT 1), randomblob(32)),
                        t.index_key, t.subject_self_edit, t.created_at, a.wrapped FROM tenants t
                 LEFT JOIN tenant_audit_keys a ON a.tenant_id = t.id AND a.version = 1
                 """,
                 "INSERT INTO tenants (id, name, admin_token, index_key, subject_self_edit, created_at, audit_key) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                ("SELECT tenant_id, version, wrapped, created_at, seals FROM tenant_keys",
                 "INSERT INTO tenant_keys (tenant_id, version, wrapped, created_at, seals) VALUES (?, ?, ?, ?, ?)"),
                // Schema 3's code had no authority key (protocol 2 creates it with the MACs of the rows it carries over).
                ("SELECT name, wrapped FROM service_keys WHERE name <> 'authority'", "INSERT INTO service_keys (name, wrapped) VALUES (?, ?)"),
                ("SELECT version, seals FROM master_seals", "INSERT INTO master_seals (version, seals) VALUES (?, ?)"),
                ("SELECT id, seq, mac FROM audit_head", "INSERT INTO audit_head (id, seq, mac) VALUES (?, ?, ?)"),
            ]
            for (select, insert) in copies {
                for row in try current.rows(select) { try old.run(insert, arguments: row.values) }
            }
            XCTAssertEqual(try Migrator.userVersion(of: old), 3)
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try FileManager.default.moveItem(atPath: path + ".schema3", toPath: path)
    }
}
