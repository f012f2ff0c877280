import XCTest
@testable import CofferStore

final class VaultErasureRequestTests: VaultTestCase {
    private func vaultWithSubjects(_ subjects: [String], tenant: String = "acme") throws -> Vault {
        let vault = try openVault()
        _ = try vault.createTenant(tenant)
        for subject in subjects { try vault.addSubject(subject, tenant: TenantRef(tenant)) }
        return vault
    }

    func testRequestsAreListedOldestFirstWithTheirTime() throws {
        let vault = try vaultWithSubjects(["alice", "bob", "carol"])
        let before = Int64(Date().timeIntervalSince1970)
        try vault.requestErasure(subject: "carol", tenant: "acme")
        try vault.requestErasure(subject: "alice", tenant: "acme")
        let after = Int64(Date().timeIntervalSince1970)

        let requests = try vault.erasureRequests(tenant: "acme")
        XCTAssertEqual(requests.map(\.subject), ["carol", "alice"], "arrival order within one second")
        for request in requests { XCTAssertTrue((before...after).contains(request.requestedAt)) }

        // An older request comes first whatever its arrival order.
        try rawDatabase("vault.db").run("UPDATE erasure_requests SET requested_at = requested_at - 60 WHERE id = 2")
        XCTAssertEqual(try vault.erasureRequests(tenant: "acme").map(\.subject), ["alice", "carol"])
    }

    func testAskingTwiceKeepsOneRequestWithTheFirstTime() throws {
        let vault = try vaultWithSubjects(["alice"])
        try vault.requestErasure(subject: "alice", tenant: "acme")
        try rawDatabase("vault.db").run("UPDATE erasure_requests SET requested_at = 1800000000")
        try vault.requestErasure(subject: "alice", tenant: "acme")
        XCTAssertEqual(try vault.erasureRequests(tenant: "acme"), [ErasureRequest(subject: "alice", requestedAt: 1_800_000_000)])
        XCTAssertEqual(try vault.erasureRequests(tenant: "acme").first?.time, "2027-01-15T08:00:00Z")
    }

    func testShreddingTheSubjectRemovesItsRequest() throws {
        let vault = try vaultWithSubjects(["alice", "bob"])
        try vault.requestErasure(subject: "alice", tenant: "acme")
        try vault.requestErasure(subject: "bob", tenant: "acme")
        try vault.shredSubject("alice", tenant: "acme")
        XCTAssertEqual(try vault.erasureRequests(tenant: "acme").map(\.subject), ["bob"])
        try vault.addSubject("alice", tenant: "acme")
        XCTAssertEqual(try vault.erasureRequests(tenant: "acme").map(\.subject), ["bob"], "a re-added subject has no request")
    }

    func testRequestsStayWithinTheirTenant() throws {
        let vault = try vaultWithSubjects(["alice"])
        _ = try vault.createTenant("globex")
        try vault.addSubject("alice", tenant: "globex")
        try vault.requestErasure(subject: "alice", tenant: "globex")
        XCTAssertEqual(try vault.erasureRequests(tenant: "acme"), [])
        XCTAssertEqual(try vault.erasureRequests(tenant: "globex").map(\.subject), ["alice"])
        assertVaultError(try vault.requestErasure(subject: "nobody", tenant: "acme")) { $0.isNotFound }
    }

    func testRFC3339FormatsUTCWithWholeSeconds() {
        XCTAssertEqual(RFC3339.utc(0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(RFC3339.utc(1_795_946_400), "2026-11-29T10:00:00Z")
        XCTAssertEqual(RFC3339.utc(951_825_599), "2000-02-29T11:59:59Z")
    }
}
