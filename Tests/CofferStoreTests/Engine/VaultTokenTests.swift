import XCTest
@testable import CofferStore

final class VaultTokenTests: VaultTestCase {
    func testTokensIdentifyTheirPrincipalUntilReplacedOrRevoked() throws {
        let vault = try openVault()
        let admin = try createClaimedTenant(vault, "acme")
        XCTAssertTrue(admin.hasPrefix("cft_"))
        XCTAssertEqual(admin.count, 4 + 43)
        XCTAssertEqual(try whoIs(admin, in: vault), "tenant acme")
        try vault.addSubject("alice", tenant: "acme")
        let epoch = vault.authEpoch
        let first = try vault.issueToken(subject: "alice", tenant: "acme")
        XCTAssertGreaterThan(vault.authEpoch, epoch)
        let second = try vault.issueToken(subject: "alice", tenant: "acme")
        XCTAssertNotEqual(first, second)
        XCTAssertNil(try vault.principal(forDigest: try vault.tokenDigest(Array(first.utf8))), "replaced")
        XCTAssertEqual(try whoIs(second, in: vault), "subject acme alice")
        try vault.revokeToken(subject: "alice", tenant: "acme")
        XCTAssertNil(try vault.principal(forDigest: try vault.tokenDigest(Array(second.utf8))), "revoked")
        try vault.revokeToken(subject: "alice", tenant: "acme")  // revoking nothing is fine
        assertVaultError(try vault.issueToken(subject: "nobody", tenant: "acme")) { $0.isNotFound }
        XCTAssertNil(try vault.principal(forDigest: try vault.tokenDigest(Array("cft_unknown".utf8))))

        try vault.registerOperatorToken(Array("operator-secret".utf8))
        XCTAssertEqual(try whoIs("operator-secret", in: vault), "operator")
    }

    func testTenantRulesAndDuplicates() throws {
        let vault = try openVault()
        _ = try vault.createTenant("a")
        _ = try vault.createTenant(String(repeating: "z", count: 63))
        assertVaultError(try vault.createTenant("a")) { $0.isExists }
        for bad in ["", "-a", "A", "a_b", String(repeating: "z", count: 64), "a b", "é"] {
            assertVaultError(try vault.createTenant(bad)) { $0.isInvalid }
        }
        try vault.addSubject("s", tenant: "a")
        assertVaultError(try vault.addSubject("s", tenant: "a")) { $0.isExists }
        assertVaultError(try vault.addSubject("", tenant: "a")) { $0.isInvalid }
        assertVaultError(try vault.addSubject(String(repeating: "x", count: 257), tenant: "a")) { $0.isInvalid }
        try vault.addSubject(String(repeating: "x", count: 256), tenant: "a")
    }

    /// Paging: `VaultPagingTests`.
    func testSubjectListAnswersTheSubjectsInTheOrderTheyWereCreated() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        let names = ["b", "a", "Z", "é", "e\u{301}", "aa", "ä", "0"]
        for name in names { try vault.addSubject(name, tenant: "acme") }
        let listed = try vault.listSubjects(tenant: "acme")
        XCTAssertTrue(listed.subjects.elementsEqual(names) { $0.utf8.elementsEqual($1.utf8) }, "\(listed.subjects)")
        XCTAssertNil(listed.next)
        XCTAssertEqual(try vault.listTenants(), [TenantSummary(name: "acme", subjects: names.count)])
    }
}
