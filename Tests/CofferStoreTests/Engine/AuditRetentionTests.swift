import XCTest
@testable import CofferStore

/// Retention: old records are pruned behind a pruning record, and the rest still verifies.
final class AuditRetentionTests: AuditTestCase {
    private let clock = AuditTestClock()

    override func setUpWithError() throws {
        try super.setUpWithError()
        clock.drive(&configuration!)
    }

    /// Records 1...8 at the start time, then 9 and 10 a day later.
    private func trailSpanningADay() throws -> Vault {
        let vault = try populatedTrail()
        clock.advance(by: 86400)
        vault.recordAudit(AuditEvent(actor: .tenant("acme"), action: "POLICY GET"))
        vault.recordAudit(AuditEvent(actor: .tenant("acme"), action: "SUBJECT LIST"))
        return vault
    }

    func testPruningDeletesOldRecordsAndTheRestStillVerifies() throws {
        let vault = try trailSpanningADay()
        XCTAssertEqual(try vault.pruneAudit(before: clock.now - 3600), 8)

        let raw = try rawDatabase("vault.db")
        XCTAssertEqual(try raw.rows("SELECT seq FROM audit ORDER BY seq").compactMap { $0.int64(0) }, [9, 10, 11])
        let anchor = try raw.row("SELECT actor, action, anchor_seq, tenant_id FROM audit WHERE seq = 11")!
        XCTAssertEqual(anchor.text(0), "service")
        XCTAssertEqual(anchor.text(1), "AUDIT PRUNE")
        XCTAssertEqual(anchor.int64(2), 9)
        XCTAssertNil(anchor.int64(3), "the pruning record is in the service's trail")

        let verification = try verifyFiles()
        assertIntact(verification, records: 3)
        XCTAssertEqual(verification.firstSeq, 9)
        XCTAssertEqual(verification.headSeq, 11)
        XCTAssertEqual(try vault.auditTrail(tenant: "acme", limit: 100).map(\.seq), [10, 9])

        // New records chain on, and a second pruning moves the start again.
        vault.recordAudit(AuditEvent(actor: .tenant("acme"), action: "POLICY GET"))
        clock.advance(by: 86400)
        vault.recordAudit(AuditEvent(actor: .tenant("acme"), action: "POLICY GET"))
        XCTAssertEqual(try vault.pruneAudit(before: clock.now - 3600), 4)
        let again = try verifyFiles()
        assertIntact(again, records: 2)
        XCTAssertEqual(again.firstSeq, 13)
    }

    func testPruningEverythingLeavesTheAnchorAndAVerifiableChain() throws {
        let vault = try populatedTrail()
        clock.advance(by: 10)
        XCTAssertEqual(try vault.pruneAudit(before: clock.now), 8)
        XCTAssertEqual(try rawDatabase("vault.db").row("SELECT count(*) FROM audit")?.int64(0), 1)
        assertIntact(try verifyFiles(), records: 1)
        vault.recordAudit(AuditEvent(actor: .tenant("acme"), action: "POLICY GET"))
        assertIntact(try verifyFiles(), records: 2)
        XCTAssertEqual(try vault.pruneAudit(before: clock.now - 100), 0, "nothing older is left")
    }

    func testTamperingAfterPruningIsStillDetected() throws {
        let vault = try trailSpanningADay()
        try vault.pruneAudit(before: clock.now - 3600)
        try tamper("DELETE FROM audit WHERE seq = 9")
        assertBroken(try verifyFiles(), at: 9)
        try rawDatabase("keyring.db").execute("UPDATE audit_head SET seq = 0")
        try tamper("DELETE FROM audit WHERE seq = 11")
        assertBroken(try verifyFiles(), at: 1)
    }

    func testPruningRefusesToDeleteATrailThatDoesNotVerify() throws {
        let vault = try trailSpanningADay()
        try tamper("UPDATE audit SET action = 'GET' WHERE seq = 3")
        assertVaultError(try vault.pruneAudit(before: clock.now - 3600)) { error in
            if case .corrupt = error { return error.description.contains("record 3") }
            return false
        }
        XCTAssertEqual(try rawDatabase("vault.db").row("SELECT count(*) FROM audit")?.int64(0), 10, "nothing was deleted")
        assertBroken(try verifyFiles(), at: 3)
    }

    func testTheConfiguredRetentionPrunesByItself() throws {
        configuration.auditRetentionSeconds = 3600
        do { _ = try populatedTrail() }
        clock.advance(by: 7200)
        let vault = try openVault()
        XCTAssertEqual(try rawDatabase("vault.db").row("SELECT count(*) FROM audit")?.int64(0), 8, "pruning waits for a record")
        vault.recordAudit(AuditEvent(actor: .tenant("acme"), action: "POLICY GET"))
        XCTAssertEqual(try rawDatabase("vault.db").rows("SELECT seq FROM audit ORDER BY seq").compactMap { $0.int64(0) }, [9, 10])
        assertIntact(try verifyFiles(), records: 2)
    }
}
