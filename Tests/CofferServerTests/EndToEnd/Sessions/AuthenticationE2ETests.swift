import Foundation
import XCTest

/// CONTRACT.md §3 and §5: AUTH failures, the three-failure limit, and identity replacement.
final class AuthenticationE2ETests: E2ETestCase {
    private let unknownToken = "cft_unknownunknownunknownunknownunknownunkno"

    func testFailedAuthMakesAnAuthenticatedSessionAnonymous() throws {
        let server = try startServer()
        let client = try server.connectAsOperator()
        assertValue(try client.request("TENANT LIST"), [])
        assertError(try client.auth(unknownToken), "AUTH_FAILED")
        assertValue(try client.request("WHOAMI"), ["role": "anonymous"])
        assertError(try client.request("TENANT LIST"), "AUTH_REQUIRED")
    }

    func testThirdFailureIsAnsweredAndThenTheConnectionIsClosed() throws {
        let server = try startServer()
        let client = try server.connect()
        assertError(try client.auth(unknownToken), "AUTH_FAILED")
        assertError(try client.auth(unknownToken), "AUTH_FAILED")
        assertReply(try client.request("PING"), #"OK "PONG""#, "two failures leave the connection open")
        assertError(try client.auth(unknownToken), "AUTH_FAILED", "the third failure is answered")
        assertClosed(client, "after the third AUTH failure")

        let next = try server.connect()
        assertError(try next.auth(unknownToken), "AUTH_FAILED", "the count belongs to one connection")
        assertObject(try next.auth(server.operatorToken), ["role": "operator"])
    }

    func testSuccessfulAuthsInBetweenDoNotResetTheFailureCount() throws {
        let server = try startServer()
        let client = try server.connect()
        assertError(try client.auth(unknownToken), "AUTH_FAILED")
        assertObject(try client.auth(server.operatorToken), ["role": "operator"])
        assertError(try client.auth(unknownToken), "AUTH_FAILED")
        assertObject(try client.auth(server.operatorToken), ["role": "operator"])
        assertValue(try client.request("TENANT LIST"), [])
        assertError(try client.auth(unknownToken), "AUTH_FAILED")
        assertClosed(client, "the failures are counted over the connection's whole life")
    }

    func testPipelinedRequestsAfterTheThirdFailureGetNoReply() throws {
        let server = try startServer()
        let client = try server.connect()
        let bad = "AUTH \(unknownToken)\n"
        try client.send(raw: bad + bad + bad + "PING\nPING\n")
        for attempt in 1...3 {
            assertError(try XCTUnwrap(client.readReply(), "reply \(attempt)"), "AUTH_FAILED")
        }
        XCTAssertNil(try client.readReply(), "nothing is answered after the closing failure")
    }

    func testSyntaxErrorsOfAuthAreNotCountedAsFailures() throws {
        let server = try startServer()
        let client = try server.connect()
        for _ in 0..<4 { assertError(try client.request("AUTH a b"), "SYNTAX") }
        assertError(try client.request("AUTH"), "SYNTAX")
        assertError(try client.auth(unknownToken), "AUTH_FAILED")
        assertError(try client.auth(unknownToken), "AUTH_FAILED")
        assertReply(try client.request("PING"), #"OK "PONG""#, "only two AUTH_FAILED so far")
    }

    func testLaterAuthReplacesTheIdentity() throws {
        let server = try startServer()
        let (adminToken, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "1"])
        let subjectToken = try issueToken("alice", by: admin)

        let client = try server.connectAsOperator()
        assertValue(try client.request("TENANT LIST"), [["tenant": "acme", "subjects": 1]])
        assertValue(try client.auth(adminToken), ["role": "tenant", "tenant": "acme"])
        assertError(try client.request("TENANT LIST"), "FORBIDDEN", "no longer the operator")
        assertLastPage(try client.request("SUBJECT LIST"), ["alice"])
        assertValue(try client.auth(subjectToken), ["role": "subject", "tenant": "acme", "subject": "alice"])
        assertError(try client.request("SUBJECT LIST"), "FORBIDDEN", "no longer the tenant administrator")
        assertValue(try client.request("GET alice phone"), "1")
        assertObject(try client.auth(server.operatorToken), ["role": "operator"])
        assertError(try client.request("GET alice phone"), "FORBIDDEN", "no longer the subject")
    }

    func testTokenIsComparedExactly() throws {
        let server = try startServer()
        let client = try server.connect()
        let token = server.operatorToken
        assertError(try client.auth(String(token.dropLast())), "AUTH_FAILED", "a prefix of the token")
        assertError(try client.auth(token.uppercased() == token ? token.lowercased() : token.uppercased()), "AUTH_FAILED",
                    "the token in another case")
        assertObject(try client.request(words: ["AUTH", token]), ["role": "operator"], "the token sent as a JSON string")
    }
}
