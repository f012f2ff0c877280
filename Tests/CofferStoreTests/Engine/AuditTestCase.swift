import Synchronization
import XCTest
@testable import CofferStore

/// A clock a test moves forward; the vault's audit records carry its time.
final class AuditTestClock: Sendable {
    let seconds = Atomic<Int64>(1_800_000_000)
    func advance(by delta: Int64) { seconds.add(delta, ordering: .relaxed) }
    var now: Int64 { seconds.load(ordering: .relaxed) }

    /// Makes `configuration`'s audit trail run on this clock, with a retention that never
    /// prunes by itself unless a test says so.
    func drive(_ configuration: inout VaultConfiguration) {
        configuration.auditClock = { [self] in now }
        configuration.auditRetentionSeconds = 1_000_000
    }
}

/// A vault with an audit trail of known shape, and helpers to tamper with it and verify it.
class AuditTestCase: VaultTestCase {
    /// Tenant `acme` with a few audited changes, reads and refusals: records 1 to 8.
    func populatedTrail() throws -> Vault {
        let vault = try openVault()
        _ = try vault.createTenant("acme", audit: AuditEvent(actor: .operator, action: "TENANT CREATE", tenant: "acme"))
        let admin = Principal.tenant("acme")
        try vault.set(subject: "alice", pairs: [FieldValue(field: "phone", value: "1")], tenant: "acme", createSubject: true,
                      audit: AuditEvent(actor: admin, action: "SET", subject: "alice", fields: ["phone"]))
        try vault.set(subject: "bob", pairs: [FieldValue(field: "phone", value: "2")], tenant: "acme", createSubject: true,
                      audit: AuditEvent(actor: admin, action: "SET", subject: "bob", fields: ["phone"]))
        _ = try vault.get(subject: "alice", field: "phone", tenant: "acme")
        vault.recordAudit(AuditEvent(actor: admin, action: "GET", subject: "alice", fields: ["phone"]))
        vault.recordAudit(AuditEvent(actor: nil, action: "AUTH"), result: "AUTH_FAILED")
        vault.recordAudit(AuditEvent(actor: .subject(tenant: "acme", subject: "alice"), action: "GET", subject: "bob", fields: ["phone"]),
                              result: "FORBIDDEN")
        _ = try vault.issueToken(subject: "bob", tenant: "acme", audit: AuditEvent(actor: admin, action: "TOKEN ISSUE", subject: "bob"))
        try vault.delete(subject: "alice", field: "phone", tenant: "acme", audit: AuditEvent(actor: admin, action: "DEL", subject: "alice", fields: ["phone"]))
        return vault
    }

    /// Verifies the files the way `coffer audit verify` does.
    func verifyFiles() throws -> AuditVerification {
        flushQueuedWrites()
        return try AuditVerifier.verify(configuration: configuration)
    }

    func assertIntact(_ verification: AuditVerification, records: Int? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNil(verification.problem, "the trail should verify", file: file, line: line)
        if let records { XCTAssertEqual(verification.records, records, file: file, line: line) }
    }

    func assertBroken(_ verification: AuditVerification, at seq: Int64, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(verification.problem?.seq, seq, "first bad record; found: \(String(describing: verification.problem))", file: file, line: line)
    }

    func tamper(_ sql: String) throws {
        try rawDatabase("vault.db").execute(sql)
    }
}
