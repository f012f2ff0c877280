import Foundation
import XCTest

/// CONTRACT.md §6 "Shredding is final" for tenants.
final class TenantShredE2ETests: E2ETestCase {
    /// Tenant acme with alice (a field and a token) and an empty subject bob; open sessions for
    /// its administrator and for alice.
    private struct Acme {
        let server: E2EServer
        let adminToken: String
        let aliceToken: String
        let admin: E2EClient
        let alice: E2EClient
    }

    private func acme() throws -> Acme {
        let server = try startServer()
        let (adminToken, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "+1 555 0100"])
        try admin.request("SUBJECT ADD bob")
        let aliceToken = try issueToken("alice", by: admin)
        return Acme(server: server, adminToken: adminToken, aliceToken: aliceToken, admin: admin,
                    alice: try server.connect(token: aliceToken))
    }

    func testOperatorShredInvalidatesEveryTokenAndOpenSession() throws {
        let acme = try acme()
        let op = try acme.server.connectAsOperator()
        assertValue(try op.request("TENANT SHRED acme"), ["tenant": "acme", "shredded": true])

        assertValue(try acme.admin.request("WHOAMI"), ["role": "anonymous"])
        assertError(try acme.admin.request("SUBJECT LIST"), "AUTH_REQUIRED")
        assertValue(try acme.alice.request("WHOAMI"), ["role": "anonymous"])
        assertError(try acme.alice.request("GET alice phone"), "AUTH_REQUIRED")

        let fresh = try acme.server.connect()
        assertError(try fresh.auth(acme.adminToken), "AUTH_FAILED", "the admin token")
        assertError(try fresh.auth(acme.aliceToken), "AUTH_FAILED", "the subject token")
    }

    func testCommandsAboutAShreddedTenantAreNotFound() throws {
        let acme = try acme()
        let op = try acme.server.connectAsOperator()
        _ = try op.request("TENANT SHRED acme")
        assertError(try op.request("TENANT SHRED acme"), "NOT_FOUND")
        assertReply(try op.request("TENANT LIST"), "OK []")
    }

    func testTenantCreateOfAShreddedNameStartsANewEmptyTenant() throws {
        let acme = try acme()
        let op = try acme.server.connectAsOperator()
        _ = try op.request("TENANT SHRED acme")
        let enrollment = try enrollTenant("acme", on: acme.server)
        let newToken = try claimTenant(enrollment: enrollment, on: acme.server)
        XCTAssertNotEqual(newToken, acme.adminToken)
        assertValue(try op.request("TENANT LIST"), [["tenant": "acme", "subjects": 0]])

        let admin = try acme.server.connect(token: newToken)
        assertLastPage(try admin.request("SUBJECT LIST"), [])
        assertError(try admin.request("GET alice phone"), "NOT_FOUND")
        assertError(try admin.request("EXPORT bob"), "NOT_FOUND")
        assertValue(try admin.request("POLICY GET"), ["subject_self_edit": false])
        assertReply(try admin.request("SUBJECT ADD alice"), "OK", "the old alice does not exist any more")
        assertValue(try admin.request("EXPORT alice"), ["tenant": "acme", "subject": "alice", "fields": [:]])

        let fresh = try acme.server.connect()
        assertError(try fresh.auth(acme.adminToken), "AUTH_FAILED", "old tokens stay dead after re-creation")
        assertError(try fresh.auth(acme.aliceToken), "AUTH_FAILED", "old subject tokens stay dead after re-creation")
    }

    func testTenantCanShredItselfAndItsSessionsBecomeAnonymous() throws {
        let acme = try acme()
        assertValue(try acme.admin.request("TENANT SHRED acme"), ["tenant": "acme", "shredded": true])
        assertValue(try acme.admin.request("WHOAMI"), ["role": "anonymous"])
        assertError(try acme.admin.request("SUBJECT LIST"), "AUTH_REQUIRED")
        assertValue(try acme.alice.request("WHOAMI"), ["role": "anonymous"])
        let op = try acme.server.connectAsOperator()
        assertReply(try op.request("TENANT LIST"), "OK []")
        assertError(try op.request("TENANT SHRED acme"), "NOT_FOUND")
    }

    func testShreddingOneTenantLeavesAnotherIntact() throws {
        let acme = try acme()
        let (betaToken, beta) = try makeTenant("beta", on: acme.server)
        try beta.request(words: ["SET", "alice", "phone", "beta-alice"])
        let op = try acme.server.connectAsOperator()
        _ = try op.request("TENANT SHRED acme")
        assertValue(try beta.request("GET alice phone"), "beta-alice")
        assertValue(try op.request("TENANT LIST"), [["tenant": "beta", "subjects": 1]])
        let fresh = try acme.server.connect()
        assertValue(try fresh.auth(betaToken), ["role": "tenant", "tenant": "beta"])
    }
}
