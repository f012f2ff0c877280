import XCTest
@testable import CofferStore

final class VaultFieldTests: VaultTestCase {
    func testManyValuesRoundTripIncludingEmptyLargeAndNonASCII() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        var expected: [String: [String: String]] = [:]
        let specials = ["", String(repeating: "x", count: 16384), "Grüße aus Köln", "東京都千代田区", "📞 +49 (0)30 1234-567",
                        "quote \" backslash \\ newline \n tab \t", "\u{0}nul"]
        for s in 0..<50 {
            let subject = s % 2 == 0 ? "user\(s)@example.com" : "Ünïcødé-\(s)"
            var fields: [String: String] = [:]
            for (f, special) in specials.enumerated() where (s + f) % 3 != 0 || s < 3 {
                fields["field.\(f)"] = special.isEmpty || f == 1 ? special : special + "\(s)"
            }
            fields["phone"] = "+33 6 \(s)"
            try vault.set(subject: subject, pairs: fields.map { FieldValue(field: $0.key, value: $0.value) }, tenant: "acme", createSubject: true)
            expected[subject] = fields
        }
        for (subject, fields) in expected {
            for (field, value) in fields {
                XCTAssertEqual(try vault.get(subject: subject, field: field, tenant: "acme"), value)
            }
            let exported = try vault.export(subject: subject, tenant: "acme")
            XCTAssertEqual(exported.map(\.field), fields.keys.sorted())
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: exported.map { ($0.field, $0.value) }), fields)
        }
        XCTAssertEqual(try vault.get(subject: "user0@example.com", field: "field.1", tenant: "acme").utf8.count, 16384)
    }

    func testValueLimitAndFieldRulesAreEnforcedAndARefusedSetChangesNothing() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        let tooBig = String(repeating: "é", count: 8193)  // 16386 bytes
        assertVaultError(try vault.set(subject: "new@x", pairs: [FieldValue(field: "a", value: "1"), FieldValue(field: "b", value: tooBig)],
                                       tenant: "acme", createSubject: true)) { $0.isInvalid }
        assertVaultError(try vault.set(subject: "new@x", pairs: [FieldValue(field: "a", value: "1"), FieldValue(field: "a", value: "2")],
                                       tenant: "acme", createSubject: true)) { $0.isInvalid }
        assertVaultError(try vault.set(subject: "new@x", pairs: [FieldValue(field: "Phone", value: "1")],
                                       tenant: "acme", createSubject: true)) { $0.isInvalid }
        XCTAssertEqual(try vault.listSubjects(tenant: "acme").subjects, [], "a refused SET creates no subject")

        try vault.set(subject: "s", pairs: [FieldValue(field: "a", value: "old")], tenant: "acme", createSubject: true)
        assertVaultError(try vault.set(subject: "s", pairs: [FieldValue(field: "a", value: "new"), FieldValue(field: "b", value: tooBig)],
                                       tenant: "acme", createSubject: true)) { $0.isInvalid }
        XCTAssertEqual(try vault.get(subject: "s", field: "a", tenant: "acme"), "old")
        try vault.set(subject: "s", pairs: [FieldValue(field: "b", value: String(repeating: "é", count: 8192))], tenant: "acme", createSubject: false)
    }

    func testGetDeleteAndNotFound() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try vault.set(subject: "alice", pairs: [FieldValue(field: "phone", value: "1"), FieldValue(field: "email", value: "a@x")],
                      tenant: "acme", createSubject: true)
        try vault.delete(subject: "alice", field: "phone", tenant: "acme")
        assertVaultError(try vault.get(subject: "alice", field: "phone", tenant: "acme")) { $0.isNotFound }
        assertVaultError(try vault.delete(subject: "alice", field: "phone", tenant: "acme")) { $0.isNotFound }
        assertVaultError(try vault.get(subject: "bob", field: "phone", tenant: "acme")) { $0.isNotFound }
        assertVaultError(try vault.get(subject: "alice", field: "email", tenant: "nope")) { $0.isNotFound }
        assertVaultError(try vault.set(subject: "bob", pairs: [FieldValue(field: "a", value: "1")], tenant: "acme", createSubject: false)) { $0.isNotFound }
        XCTAssertEqual(try vault.export(subject: "alice", tenant: "acme"), [FieldValue(field: "email", value: "a@x")])
    }

    func testDataWrittenSurvivesCloseAndReopen() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            _ = try vault.createTenant("beta")
            try vault.set(subject: "alice", pairs: [FieldValue(field: "phone", value: "+1 555 0100")], tenant: "acme", createSubject: true)
            try vault.addSubject("bob", tenant: "beta")
            try vault.setSubjectSelfEdit(tenant: "beta", enabled: true)
        }
        let vault = try openVault()
        XCTAssertEqual(try vault.get(subject: "alice", field: "phone", tenant: "acme"), "+1 555 0100")
        XCTAssertEqual(try vault.listSubjects(tenant: "beta").subjects, ["bob"])
        XCTAssertEqual(try vault.listTenants(), [TenantSummary(name: "acme", subjects: 1), TenantSummary(name: "beta", subjects: 1)])
        XCTAssertTrue(try vault.subjectSelfEdit(tenant: "beta"))
        XCTAssertFalse(try vault.subjectSelfEdit(tenant: "acme"))
    }
}
