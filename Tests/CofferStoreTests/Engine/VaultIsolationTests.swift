import XCTest
@testable import CofferStore

final class VaultIsolationTests: VaultTestCase {
    func testNoCallForOneTenantReadsOrChangesAnother() throws {
        let vault = try openVault()
        _ = try vault.createTenant("tenant-a")
        _ = try vault.createTenant("tenant-b")
        try vault.set(subject: "shared@example.com", pairs: [FieldValue(field: "phone", value: "B-phone")], tenant: "tenant-b", createSubject: true)
        try vault.addSubject("only-b", tenant: "tenant-b")

        // Same subject name in A is a different subject: A sees nothing of B's.
        assertVaultError(try vault.get(subject: "shared@example.com", field: "phone", tenant: "tenant-a")) { $0.isNotFound }
        assertVaultError(try vault.export(subject: "shared@example.com", tenant: "tenant-a")) { $0.isNotFound }
        assertVaultError(try vault.delete(subject: "shared@example.com", field: "phone", tenant: "tenant-a")) { $0.isNotFound }
        assertVaultError(try vault.shredSubject("only-b", tenant: "tenant-a")) { $0.isNotFound }
        assertVaultError(try vault.issueToken(subject: "only-b", tenant: "tenant-a")) { $0.isNotFound }
        XCTAssertEqual(try vault.listSubjects(tenant: "tenant-a").subjects, [])

        // Writes in A with B's subject name create A's own subject and leave B's untouched.
        try vault.set(subject: "shared@example.com", pairs: [FieldValue(field: "phone", value: "A-phone")], tenant: "tenant-a", createSubject: true)
        XCTAssertEqual(try vault.get(subject: "shared@example.com", field: "phone", tenant: "tenant-b"), "B-phone")
        XCTAssertEqual(try vault.get(subject: "shared@example.com", field: "phone", tenant: "tenant-a"), "A-phone")
        try vault.shredSubject("shared@example.com", tenant: "tenant-a")
        XCTAssertEqual(try vault.get(subject: "shared@example.com", field: "phone", tenant: "tenant-b"), "B-phone")
        try vault.setSubjectSelfEdit(tenant: "tenant-a", enabled: true)
        XCTAssertFalse(try vault.subjectSelfEdit(tenant: "tenant-b"))
        XCTAssertEqual(try vault.listSubjects(tenant: "tenant-b").subjects, ["shared@example.com", "only-b"])
    }

    func testCiphertextMovedToAnotherFieldSubjectOrTenantFailsToDecrypt() throws {
        let vault = try openVault()
        _ = try vault.createTenant("one")
        _ = try vault.createTenant("two")
        for tenant in ["one", "two"] {
            for subject in ["alice", "bob"] {
                try vault.set(subject: subject, pairs: [FieldValue(field: "phone", value: "\(tenant)-\(subject)-phone"),
                                                        FieldValue(field: "email", value: "\(tenant)-\(subject)-email")],
                              tenant: TenantRef(tenant), createSubject: true)
            }
        }
        let raw = try rawDatabase("vault.db")
        let rows = try raw.rows("SELECT subject_id, name, value FROM fields ORDER BY subject_id, name")
        // subjects were created in order: one/alice, one/bob, two/alice, two/bob
        func value(_ subject: Int64, _ field: String) -> [UInt8] {
            rows.first { $0.int64(0) == subject && $0.text(1) == field }!.blob(2)!
        }
        let ids = try raw.rows("SELECT id FROM subjects ORDER BY id").compactMap { $0.int64(0) }
        XCTAssertEqual(ids.count, 4)

        // Another field of the same subject.
        try raw.run("UPDATE fields SET value = ? WHERE subject_id = ? AND name = 'email'", value(ids[0], "phone"), ids[0])
        assertVaultError(try vault.get(subject: "alice", field: "email", tenant: "one")) { $0.isCrypto }
        // Another subject of the same tenant.
        try raw.run("UPDATE fields SET value = ? WHERE subject_id = ? AND name = 'phone'", value(ids[0], "phone"), ids[1])
        assertVaultError(try vault.get(subject: "bob", field: "phone", tenant: "one")) { $0.isCrypto }
        // The same subject name in another tenant.
        try raw.run("UPDATE fields SET value = ? WHERE subject_id = ? AND name = 'phone'", value(ids[0], "phone"), ids[2])
        assertVaultError(try vault.get(subject: "alice", field: "phone", tenant: "two")) { $0.isCrypto }
        // Even with the subject's own data key copied along (it is bound to its subject too).
        let wrappedKey = try raw.row("SELECT wrapped FROM data_keys WHERE subject_id = ?", ids[0])!.blob(0)!
        try raw.run("UPDATE data_keys SET wrapped = ? WHERE subject_id = ?", wrappedKey, ids[3])
        let reopened = try { () throws -> Vault in try openVault() }()
        assertVaultError(try reopened.get(subject: "bob", field: "email", tenant: "two")) { $0.isCrypto }
        // Untouched values still read.
        XCTAssertEqual(try vault.get(subject: "alice", field: "phone", tenant: "one"), "one-alice-phone")
        XCTAssertEqual(try vault.get(subject: "alice", field: "email", tenant: "two"), "two-alice-email")
    }
}
