import Foundation
import XCTest

/// CONTRACT.md §5–6: issued, replaced and revoked tokens, also for sessions already open.
final class TokenLifecycleE2ETests: E2ETestCase {
    private func tenantWithAlice() throws -> (server: E2EServer, admin: E2EClient) {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "+1 555 0100"])
        return (server, admin)
    }

    func testTokenIssueReplacesTheEarlierTokenAlsoForOpenSessions() throws {
        let (server, admin) = try tenantWithAlice()
        let first = try issueToken("alice", by: admin)
        let openWithFirst = try server.connect(token: first)
        assertValue(try openWithFirst.request("GET alice phone"), "+1 555 0100")

        let second = try issueToken("alice", by: admin)
        XCTAssertNotEqual(first, second, "a new token is issued")
        assertValue(try openWithFirst.request("WHOAMI"), ["role": "anonymous"], "the replaced token's session is unauthenticated")
        assertError(try openWithFirst.request("GET alice phone"), "AUTH_REQUIRED")

        let fresh = try server.connect()
        assertError(try fresh.auth(first), "AUTH_FAILED", "the replaced token no longer works")
        assertValue(try fresh.auth(second), ["role": "subject", "tenant": "acme", "subject": "alice"])
        assertValue(try fresh.request("GET alice phone"), "+1 555 0100")
    }

    func testTokenRevokeMakesAnAuthenticatedSubjectSessionAnonymous() throws {
        let (server, admin) = try tenantWithAlice()
        let token = try issueToken("alice", by: admin)
        let alice = try server.connect(token: token)
        assertValue(try alice.request("WHOAMI"), ["role": "subject", "tenant": "acme", "subject": "alice"])

        assertReply(try admin.request("TOKEN REVOKE alice"), "OK")
        assertValue(try alice.request("WHOAMI"), ["role": "anonymous"])
        assertError(try alice.request("GET alice phone"), "AUTH_REQUIRED")
        assertError(try alice.request("EXPORT alice"), "AUTH_REQUIRED")
        assertReply(try alice.request("PING"), #"OK "PONG""#, "the connection stays open")

        let fresh = try server.connect()
        assertError(try fresh.auth(token), "AUTH_FAILED")
        assertValue(try admin.request("GET alice phone"), "+1 555 0100", "revoking a token keeps the data")
    }

    func testTokenCommandsForAnUnknownSubjectAreNotFound() throws {
        let (_, admin) = try tenantWithAlice()
        assertError(try admin.request("TOKEN ISSUE nobody"), "NOT_FOUND")
        assertError(try admin.request("TOKEN REVOKE nobody"), "NOT_FOUND")
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice"], "TOKEN ISSUE does not create a subject")
    }

    func testRevokingASubjectWithoutATokenIsOk() throws {
        let (_, admin) = try tenantWithAlice()
        assertReply(try admin.request("TOKEN REVOKE alice"), "OK")
        let token = try issueToken("alice", by: admin)
        XCTAssertFalse(token.isEmpty)
        assertReply(try admin.request("TOKEN REVOKE alice"), "OK")
        assertReply(try admin.request("TOKEN REVOKE alice"), "OK", "revoking twice is OK")
    }

    func testTokenChangesForOneSubjectLeaveOtherSubjectsSessionsAlone() throws {
        let (server, admin) = try tenantWithAlice()
        try admin.request(words: ["SET", "bob", "phone", "2"])
        let bob = try server.connect(token: try issueToken("bob", by: admin))
        _ = try issueToken("alice", by: admin)
        try admin.request("TOKEN REVOKE alice")
        _ = try admin.request("SUBJECT SHRED alice")
        assertValue(try bob.request("WHOAMI"), ["role": "subject", "tenant": "acme", "subject": "bob"])
        assertValue(try bob.request("GET bob phone"), "2")
    }

    func testSubjectIdentityIsReportedWithItsExactBytes() throws {
        let (server, admin) = try tenantWithAlice()
        // "Renée" with a combining acute accent: canonically equal to the precomposed form,
        // but a different identifier, and it must come back byte for byte.
        let decomposed = "Rene\u{301}e"
        try admin.request(#"SUBJECT ADD "Rene\u0301e""#)
        let token = try issueToken(decomposed, by: admin)
        let client = try server.connect()
        assertValue(try client.auth(token), ["role": "subject", "tenant": "acme", "subject": .string(decomposed)])
        assertValue(try client.request("WHOAMI"), ["role": "subject", "tenant": "acme", "subject": .string(decomposed)])
        assertError(try client.request(words: ["EXPORT", "Ren\u{E9}e"]), "FORBIDDEN", "the precomposed form is someone else")
    }

    func testTenantAdminTokenIsUnaffectedBySubjectTokenChanges() throws {
        let (server, admin) = try tenantWithAlice()
        _ = try issueToken("alice", by: admin)
        try admin.request("TOKEN REVOKE alice")
        assertValue(try admin.request("WHOAMI"), ["role": "tenant", "tenant": "acme"])
        let op = try server.connectAsOperator()
        assertObject(try op.request("WHOAMI"), ["role": "operator"])
    }
}
