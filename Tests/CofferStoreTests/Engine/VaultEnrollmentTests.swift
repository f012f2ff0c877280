import XCTest
@testable import CofferStore

/// Protocol 2 enrollment and token replacement in the engine: the operator never holds a tenant
/// administrator token, and a new token is pending until its first use.
final class VaultEnrollmentTests: VaultTestCase {
    private func use(_ token: String, in vault: Vault) throws -> String? {
        try vault.authenticate(digest: try vault.tokenDigest(Array(token.utf8))).map(Self.describe)
    }

    func testTenantCreateGivesOnlyAnEnrollmentTokenThatCanBeClaimedOnce() throws {
        let vault = try openVault()
        let enrollment = try vault.createTenant("acme")
        XCTAssertEqual(try whoIs(enrollment, in: vault), "enrollment acme", "the operator's token is an enrollment token, not an admin token")

        let lost = try vault.claimTenant("acme")
        let claimed = try vault.claimTenant("acme")
        XCTAssertNil(try whoIs(lost, in: vault), "a second claim replaces the pending token")
        XCTAssertEqual(try whoIs(claimed, in: vault), "tenant acme", "pending, it already names its tenant")
        XCTAssertEqual(try whoIs(enrollment, in: vault), "enrollment acme", "the enrollment token works until the claim is used")

        XCTAssertEqual(try use(claimed, in: vault), "tenant acme")
        XCTAssertNil(try whoIs(enrollment, in: vault), "the first AUTH with the claimed token ends the enrollment")
        XCTAssertEqual(try whoIs(claimed, in: vault), "tenant acme")
        assertVaultError(try vault.claimTenant("acme")) { if case .exists(.claim) = $0 { true } else { false } }
        assertVaultError(try vault.enrollTenant("acme")) { if case .exists(.claim) = $0 { true } else { false } }
    }

    func testReEnrollingAnUnclaimedTenantRetiresTheEarlierEnrollmentAndItsPendingClaim() throws {
        let vault = try openVault()
        let first = try vault.createTenant("acme")
        let pending = try vault.claimTenant("acme")
        let epoch = vault.authEpoch
        let second = try vault.enrollTenant("acme")
        XCTAssertGreaterThan(vault.authEpoch, epoch, "open sessions re-check their tokens")
        XCTAssertNil(try whoIs(first, in: vault))
        XCTAssertNil(try use(pending, in: vault))
        XCTAssertEqual(try whoIs(second, in: vault), "enrollment acme")
        assertVaultError(try vault.enrollTenant("nobody")) { $0.isNotFound }
    }

    func testAnEnrollmentTokenExpires() throws {
        configuration.enrollmentTokenLifetimeSeconds = 0
        let vault = try openVault()
        let enrollment = try vault.createTenant("acme")
        XCTAssertNil(try whoIs(enrollment, in: vault), "expired at once with a lifetime of 0")
        XCTAssertNil(try use(enrollment, in: vault))
        let renewed = try vault.enrollTenant("acme")
        XCTAssertNil(try whoIs(renewed, in: vault))
        XCTAssertEqual(try rawDatabase("keyring.db").row("SELECT count(*) FROM credentials WHERE role = 'enrollment'")?.int64(0), 1,
                       "expired enrollment rows are removed at the next enrollment")
    }

    func testAdminRotateKeepsTheOldTokenUntilTheNewOneIsUsed() throws {
        let vault = try openVault()
        let old = try createClaimedTenant(vault, "acme")
        let lost = try vault.rotateAdminToken("acme")
        let new = try vault.rotateAdminToken("acme")
        XCTAssertNil(try whoIs(lost, in: vault), "a second rotation replaces the pending token")
        XCTAssertEqual(try whoIs(old, in: vault), "tenant acme", "a lost reply never locks the tenant out")
        let epoch = vault.authEpoch
        XCTAssertEqual(try use(new, in: vault), "tenant acme")
        XCTAssertGreaterThan(vault.authEpoch, epoch, "sessions of the old token re-check it")
        XCTAssertNil(try whoIs(old, in: vault), "retired at the new token's first use")
        XCTAssertEqual(try whoIs(new, in: vault), "tenant acme")
    }

    func testTheOperatorTokenIsReplacedWithoutARestart() throws {
        let vault = try openVault()
        try vault.registerOperatorToken(Array("operator-file-token-1".utf8))
        let new = try vault.rotateOperatorToken()
        XCTAssertEqual(try whoIs("operator-file-token-1", in: vault), "operator")
        XCTAssertEqual(try use(new, in: vault), "operator")
        XCTAssertNil(try whoIs("operator-file-token-1", in: vault))

        // At the next start the file is authoritative: the token written there is the operator's.
        try vault.registerOperatorToken(Array(new.utf8))
        XCTAssertEqual(try whoIs(new, in: vault), "operator")
        try vault.registerOperatorToken(Array("replaced-by-hand-token".utf8))
        XCTAssertNil(try whoIs(new, in: vault))
        XCTAssertEqual(try whoIs("replaced-by-hand-token", in: vault), "operator")
    }

    func testASessionOfAShreddedTenantNeverReachesANewTenantOfTheSameName() throws {
        let vault = try openVault()
        let token = try createClaimedTenant(vault, "acme")
        let session = try XCTUnwrap(vault.principal(forDigest: try vault.tokenDigest(Array(token.utf8))))
        guard case .tenant(let oldTenant) = session else { return XCTFail("a tenant principal") }
        XCTAssertNotNil(oldTenant.id, "a session carries the tenant's id")
        try vault.shredTenant("acme")
        _ = try createClaimedTenant(vault, "acme")
        try vault.set(subject: "alice", pairs: [FieldValue(field: "phone", value: "1")], tenant: "acme", createSubject: true)

        // Even if the session had missed the shred, its tenant id no longer exists.
        assertVaultError(try vault.get(subject: "alice", field: "phone", tenant: oldTenant)) { $0.isNotFound }
        assertVaultError(try vault.set(subject: "bob", pairs: [FieldValue(field: "phone", value: "2")], tenant: oldTenant,
                                       createSubject: true)) { $0.isNotFound }
        assertVaultError(try vault.listSubjects(tenant: oldTenant)) { $0.isNotFound }
        assertVaultError(try vault.shredTenant(oldTenant)) { $0.isNotFound }
        XCTAssertEqual(try vault.listSubjects(tenant: "acme").subjects, ["alice"])
    }

    func testTheAuthEpochAdvancesEvenWhenAShredFails() throws {
        let vault = try openVault()
        let epoch = vault.authEpoch
        assertVaultError(try vault.shredTenant("nobody")) { $0.isNotFound }
        XCTAssertGreaterThan(vault.authEpoch, epoch, "a shred that failed half-way must still make sessions re-check")
        let subjectEpoch = vault.authEpoch
        _ = try createClaimedTenant(vault, "acme")
        assertVaultError(try vault.shredSubject("nobody", tenant: "acme")) { $0.isNotFound }
        XCTAssertGreaterThan(vault.authEpoch, subjectEpoch)
    }
}
