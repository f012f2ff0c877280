import XCTest
@testable import CofferStore

final class VaultShredTests: VaultTestCase {
    private func populate(_ vault: Vault, tenant: String, subjects: Int) throws {
        for s in 0..<subjects {
            try vault.set(subject: "\(tenant)-user\(s)@example.com", pairs: [FieldValue(field: "phone", value: "+49 30 \(s)"),
                                                                           FieldValue(field: "address.city", value: "Berlin")],
                          tenant: TenantRef(tenant), createSubject: true)
        }
    }

    func testSubjectShredDestroysItsKeyAndLeavesOthersIntact() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try populate(vault, tenant: "acme", subjects: 20)
        let token = try vault.issueToken(subject: "acme-user3@example.com", tenant: "acme")
        let digest = try vault.tokenDigest(Array(token.utf8))
        XCTAssertEqual(try whoIs(token, in: vault), "subject acme acme-user3@example.com")

        let raw = try rawDatabase("vault.db")
        let victim = try raw.row("SELECT subject_id, wrapped FROM data_keys ORDER BY subject_id LIMIT 1 OFFSET 3")!
        let wrappedKey = victim.blob(1)!
        let sealedValues = try raw.rows("SELECT value FROM fields WHERE subject_id = ?", victim.int64(0)!).compactMap { $0.blob(0) }
        XCTAssertFalse(filesContaining(wrappedKey, in: databaseFiles()).isEmpty, "control: the key is there before the shred")

        try vault.shredSubject("acme-user3@example.com", tenant: "acme")

        assertVaultError(try vault.get(subject: "acme-user3@example.com", field: "phone", tenant: "acme")) { $0.isNotFound }
        assertVaultError(try vault.export(subject: "acme-user3@example.com", tenant: "acme")) { $0.isNotFound }
        XCTAssertNil(try vault.principal(forDigest: digest), "the shredded subject's token stops working")
        XCTAssertFalse(try vault.listSubjects(tenant: "acme").subjects.contains("acme-user3@example.com"))
        XCTAssertEqual(try vault.listSubjects(tenant: "acme").subjects.count, 19)
        XCTAssertEqual(filesContaining(wrappedKey, in: databaseFiles()), [], "the wrapped data key is gone from db, wal and shm")
        for sealed in sealedValues {
            XCTAssertEqual(filesContaining(sealed, in: databaseFiles()), [])
        }
        XCTAssertEqual(try vault.get(subject: "acme-user4@example.com", field: "phone", tenant: "acme"), "+49 30 4")

        // The name can be used again: a new, empty subject with a new key.
        try vault.addSubject("acme-user3@example.com", tenant: "acme")
        XCTAssertEqual(try vault.export(subject: "acme-user3@example.com", tenant: "acme"), [])
    }

    func testTenantShredDestroysItsKeysAtOnceAndPurgesItsRows() throws {
        let vault = try openVault()
        let adminToken = try createClaimedTenant(vault, "leaving")
        _ = try vault.createTenant("staying")
        try populate(vault, tenant: "leaving", subjects: 30)
        try populate(vault, tenant: "staying", subjects: 5)
        let keyring = try rawDatabase("keyring.db")
        let tenantID = try keyring.row("SELECT id FROM tenants WHERE name = 'leaving'")!.int64(0)!
        let destroyed = try keyring.rows("SELECT wrapped FROM tenant_keys WHERE tenant_id = ?", tenantID).compactMap { $0.blob(0) }
            + [try keyring.row("SELECT index_key FROM tenants WHERE id = ?", tenantID)!.blob(0)!]
        let vaultDB = try rawDatabase("vault.db")
        let dataKeys = try vaultDB.rows("SELECT wrapped FROM data_keys WHERE subject_id IN (SELECT id FROM subjects WHERE tenant_id = ?)", tenantID)
            .compactMap { $0.blob(0) }
        XCTAssertEqual(dataKeys.count, 30)
        for bytes in destroyed { XCTAssertFalse(filesContaining(bytes, in: databaseFiles()).isEmpty, "control") }

        try vault.shredTenant("leaving")

        assertVaultError(try vault.get(subject: "leaving-user1@example.com", field: "phone", tenant: "leaving")) { $0.isNotFound }
        assertVaultError(try vault.listSubjects(tenant: "leaving")) { $0.isNotFound }
        XCTAssertNil(try vault.principal(forDigest: try vault.tokenDigest(Array(adminToken.utf8))))
        XCTAssertEqual(try vault.listTenants().map(\.name), ["staying"])
        for bytes in destroyed {
            XCTAssertEqual(filesContaining(bytes, in: databaseFiles()), [], "tenant key bytes gone at once")
        }
        vault.waitForPurge()
        for bytes in dataKeys.prefix(10) {
            XCTAssertEqual(filesContaining(bytes, in: databaseFiles()), [], "wrapped data keys purged")
        }
        XCTAssertEqual(try vaultDB.row("SELECT count(*) FROM subjects WHERE tenant_id = ?", tenantID)?.int64(0), 0)
        XCTAssertEqual(try vault.get(subject: "staying-user2@example.com", field: "phone", tenant: "staying"), "+49 30 2")

        // Re-created: a new, empty tenant; nothing of the old one comes back, and the old token stays dead.
        let newToken = try createClaimedTenant(vault, "leaving")
        XCTAssertEqual(try vault.listSubjects(tenant: "leaving").subjects, [])
        XCTAssertEqual(try whoIs(newToken, in: vault), "tenant leaving")
        XCTAssertNil(try vault.principal(forDigest: try vault.tokenDigest(Array(adminToken.utf8))))
    }

    func testInterruptedPurgeResumesAtNextOpen() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("gone")
            try populate(vault, tenant: "gone", subjects: 5)
            vault.waitForPurge()
        }
        // Simulate a crash right after the keyring commit of a shred: keys gone, rows still there.
        let keyring = try rawDatabase("keyring.db")
        try keyring.run("DELETE FROM tenant_keys")
        try keyring.run("DELETE FROM tenants")
        let vault = try openVault()
        vault.waitForPurge()
        XCTAssertEqual(try rawDatabase("vault.db").row("SELECT count(*) FROM subjects")?.int64(0), 0)
    }

    /// A reader (a backup, say) holds a snapshot, so SQLite cannot truncate the WAL: the shred
    /// still answers at once, later commits do not wait either (the busy timeout is 5 s), and the
    /// truncation runs in the background as soon as the reader lets go, with no commit needed.
    func testAShredBehindAReadersSnapshotAnswersAtOnceAndTheWALIsTruncatedWhenTheReaderLetsGo() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try populate(vault, tenant: "acme", subjects: 3)
        let wrappedKey = try rawDatabase("vault.db").row("SELECT wrapped FROM data_keys ORDER BY subject_id LIMIT 1")!.blob(0)!
        let reader = try holdSnapshot(of: "vault.db")

        try assertQuick(try vault.shredSubject("acme-user0@example.com", tenant: "acme"), "the shred")
        assertVaultError(try vault.get(subject: "acme-user0@example.com", field: "phone", tenant: "acme")) { $0.isNotFound }
        for i in 0..<3 {
            try assertQuick(try vault.set(subject: "acme-user1@example.com", pairs: [FieldValue(field: "phone", value: "\(i)")],
                                          tenant: "acme", createSubject: false), "a later commit")
        }
        XCTAssertFalse(filesContaining(wrappedKey, in: databaseFiles()).isEmpty, "control: the reader keeps the old pages")

        try reader.execute("COMMIT")
        try assertGoneSoon(wrappedKey, wal: "vault.db-wal")
    }

    /// The same for the keyring, whose WAL a tenant shred truncates.
    func testATenantShredBehindAKeyringReaderAnswersAtOnceAndTheKeyringWALIsTruncatedLater() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        let indexKey = try rawDatabase("keyring.db").row("SELECT index_key FROM tenants WHERE name = 'acme'")!.blob(0)!
        let reader = try holdSnapshot(of: "keyring.db")

        try assertQuick(try vault.shredTenant("acme"), "the shred")
        try assertQuick(try vault.createTenant("globex"), "a later keyring commit")
        XCTAssertFalse(filesContaining(indexKey, in: databaseFiles()).isEmpty, "control: the reader keeps the old pages")

        try reader.execute("COMMIT")
        try assertGoneSoon(indexKey, wal: "keyring.db-wal")
    }

    /// A raw connection with an open read transaction on one of the databases.
    private func holdSnapshot(of name: String) throws -> Database {
        let reader = try rawDatabase(name)
        try reader.execute("BEGIN")
        _ = try reader.rows("SELECT count(*) FROM sqlite_schema")
        return reader
    }

    private func assertQuick(_ body: @autoclosure () throws -> some Any, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let started = Date()
        _ = try body()
        XCTAssertLessThan(Date().timeIntervalSince(started), 2, "\(what) waited for the reader", file: file, line: line)
    }

    /// Waits (at most 10 s) until no database file holds `bytes` and the WAL `wal` is empty.
    private func assertGoneSoon(_ bytes: [UInt8], wal: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let walPath = configuration.dataDirectory + "/" + wal
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !filesContaining(bytes, in: databaseFiles()).isEmpty || walBytes(walPath) > 0 {
            usleep(20_000)
        }
        XCTAssertEqual(filesContaining(bytes, in: databaseFiles()), [], "the destroyed key is gone from db, wal and shm", file: file, line: line)
        XCTAssertEqual(walBytes(walPath), 0, "the WAL was truncated in the background", file: file, line: line)
    }

    private func walBytes(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
