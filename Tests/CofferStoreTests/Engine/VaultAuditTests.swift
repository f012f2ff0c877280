import XCTest
@testable import CofferStore

/// What the audit trail records, who sees it, and that a change never happens without its record.
final class VaultAuditTests: AuditTestCase {
    func testATenantSeesItsOwnRecordsNewestFirstWithTheirDetailsDecrypted() throws {
        let vault = try populatedTrail()
        let trail = try vault.auditTrail(tenant: "acme", limit: 100)
        XCTAssertEqual(trail.map(\.seq), [8, 7, 6, 4, 3, 2], "newest first; the operator's and the failed AUTH's records are the service's")
        XCTAssertEqual(trail.map(\.action), ["DEL", "TOKEN ISSUE", "GET", "GET", "SET", "SET"])
        XCTAssertEqual(trail.map(\.result), ["ok", "ok", "FORBIDDEN", "ok", "ok", "ok"])
        XCTAssertEqual(trail.map(\.actor), ["tenant", "tenant", "subject", "tenant", "tenant", "tenant"])
        XCTAssertEqual(trail[0].subject, "alice")
        XCTAssertEqual(trail[0].fields, ["phone"])
        XCTAssertEqual(trail[1].fields, [])
        XCTAssertEqual(trail[2].subject, "bob", "the subject the refused command was about")
        XCTAssertEqual(trail[2].actorSubject, "alice", "and who sent it")
        XCTAssertNil(trail[0].actorSubject)
        XCTAssertEqual(try vault.auditTrail(tenant: "acme", limit: 2).map(\.seq), [8, 7])
        let now = Int64(Date().timeIntervalSince1970)
        XCTAssertTrue(trail.allSatisfy { abs($0.time - now) < 60 })
    }

    func testATenantNeverSeesAnotherTenantsRecords() throws {
        let vault = try populatedTrail()
        _ = try vault.createTenant("globex")
        try vault.set(subject: "carol", pairs: [FieldValue(field: "phone", value: "3")], tenant: "globex", createSubject: true,
                      audit: AuditEvent(actor: .tenant("globex"), action: "SET", subject: "carol", fields: ["phone"]))
        let globex = try vault.auditTrail(tenant: "globex", limit: 1000)
        XCTAssertEqual(globex.map(\.seq), [9])
        XCTAssertEqual(globex.first?.subject, "carol")
        XCTAssertFalse(try vault.auditTrail(tenant: "acme", limit: 1000).contains { $0.subject == "carol" })
    }

    func testARefusedChangeIsRecordedWithItsCodeAndChangesNothing() throws {
        let vault = try populatedTrail()
        let event = AuditEvent(actor: .tenant("acme"), action: "DEL", subject: "alice", fields: ["fax"])
        assertVaultError(try vault.delete(subject: "alice", field: "fax", tenant: "acme", audit: event)) { $0.isNotFound }
        XCTAssertEqual(try rawDatabase("vault.db").row("SELECT max(seq) FROM audit")?.int64(0), 8, "the ok record was rolled back")
        vault.recordAudit(event, result: "NOT_FOUND")
        XCTAssertEqual(try vault.auditTrail(tenant: "acme", limit: 1).first?.result, "NOT_FOUND")
        assertIntact(try verifyFiles(), records: 9)
    }

    func testAnAuditWriteFailureRefusesTheChange() throws {
        let vault = try populatedTrail()
        try tamper("CREATE TRIGGER audit_fails BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'simulated audit failure'); END;")
        let admin = Principal.tenant("acme")

        assertVaultError(try vault.set(subject: "bob", pairs: [FieldValue(field: "phone", value: "changed")], tenant: "acme",
                                       createSubject: true, audit: AuditEvent(actor: admin, action: "SET", subject: "bob", fields: ["phone"]))) {
            if case .storage = $0 { return true } else { return false }
        }
        assertVaultError(try vault.set(subject: "newcomer", pairs: [FieldValue(field: "phone", value: "9")], tenant: "acme",
                                       createSubject: true, audit: AuditEvent(actor: admin, action: "SET", subject: "newcomer", fields: ["phone"]))) { _ in true }
        assertVaultError(try vault.shredSubject("bob", tenant: "acme", audit: AuditEvent(actor: admin, action: "SUBJECT SHRED", subject: "bob"))) { _ in true }
        assertVaultError(try vault.createTenant("globex", audit: AuditEvent(actor: .operator, action: "TENANT CREATE", tenant: "globex"))) { _ in true }
        assertVaultError(try vault.setSubjectSelfEdit(tenant: "acme", enabled: true, audit: AuditEvent(actor: admin, action: "POLICY SET"))) { _ in true }
        assertVaultError(try vault.shredTenant("acme", audit: AuditEvent(actor: admin, action: "TENANT SHRED"))) { _ in true }

        XCTAssertEqual(try vault.get(subject: "bob", field: "phone", tenant: "acme"), "2", "the value is unchanged")
        XCTAssertEqual(try vault.listSubjects(tenant: "acme").subjects, ["alice", "bob"], "no subject was created or shredded")
        XCTAssertEqual(try vault.listTenants().map(\.name), ["acme"], "no tenant was created, none shredded")
        XCTAssertFalse(try vault.subjectSelfEdit(tenant: "acme"), "the policy is unchanged")

        try tamper("DROP TRIGGER audit_fails")
        try vault.set(subject: "newcomer", pairs: [FieldValue(field: "phone", value: "9")], tenant: "acme", createSubject: true,
                      audit: AuditEvent(actor: admin, action: "SET", subject: "newcomer", fields: ["phone"]))
        XCTAssertEqual(try vault.get(subject: "newcomer", field: "phone", tenant: "acme"), "9", "a subject id freed by the rollback is reused safely")
        assertIntact(try verifyFiles(), records: 9)
    }

    func testNoValueTokenOrSubjectIdentifierReachesTheAuditBytes() throws {
        let marker = "QXZAUDITMARK"
        let subject = "person-\(marker)@example.com"
        var tokens: [String] = []
        do {
            let vault = try openVault()
            tokens.append(try vault.createTenant("acme", audit: AuditEvent(actor: .operator, action: "TENANT CREATE", tenant: "acme")))
            let admin = Principal.tenant("acme")
            try vault.set(subject: subject, pairs: [FieldValue(field: "note", value: "value-\(marker)")], tenant: "acme", createSubject: true,
                          audit: AuditEvent(actor: admin, action: "SET", subject: subject, fields: ["note"]))
            tokens.append(try vault.issueToken(subject: subject, tenant: "acme", audit: AuditEvent(actor: admin, action: "TOKEN ISSUE", subject: subject)))
            vault.recordAudit(AuditEvent(actor: .subject(tenant: "acme", subject: subject), action: "GET", subject: "other-\(marker)", fields: ["note"]),
                                  result: "FORBIDDEN")
            vault.recordAudit(AuditEvent(actor: .operator, action: "GET", subject: "operator-\(marker)", fields: ["note"]), result: "FORBIDDEN")
            try vault.shredSubject(subject, tenant: "acme", audit: AuditEvent(actor: admin, action: "SUBJECT SHRED", subject: subject))
            XCTAssertEqual(try vault.auditTrail(tenant: "acme", limit: 10).first?.subject, subject, "control: the tenant can read it")
        }
        let files = databaseFiles()
        for needle in [marker, "person-", "other-", "operator-"] + tokens {
            XCTAssertEqual(filesContaining(Array(needle.utf8), in: files), [], "found a clear-text secret in the database files")
        }
    }

    func testATenantShredMakesItsAuditDetailsUnreadableWhileTheChainVerifies() throws {
        let vault = try populatedTrail()
        let tenantID = try rawDatabase("keyring.db").row("SELECT id FROM tenants WHERE name = 'acme'")!.int64(0)!
        let wrappedAuditKey = try rawDatabase("keyring.db").row("SELECT wrapped FROM tenant_audit_keys WHERE tenant_id = ?", tenantID)!.blob(0)!
        XCTAssertFalse(filesContaining(wrappedAuditKey, in: databaseFiles()).isEmpty, "control")

        try vault.shredTenant("acme", audit: AuditEvent(actor: .tenant("acme"), action: "TENANT SHRED"))
        vault.waitForPurge()

        XCTAssertEqual(filesContaining(wrappedAuditKey, in: databaseFiles()), [], "the tenant's audit key is destroyed")
        XCTAssertEqual(try rawDatabase("vault.db").row("SELECT count(*) FROM audit WHERE tenant_id = ? AND detail IS NOT NULL", tenantID)?.int64(0), 6,
                       "the sealed details stay, unreadable")
        assertIntact(try verifyFiles(), records: 9)
        _ = try vault.createTenant("acme")
        XCTAssertEqual(try vault.auditTrail(tenant: "acme", limit: 1000), [], "nothing of the old tenant comes back")
    }
}
