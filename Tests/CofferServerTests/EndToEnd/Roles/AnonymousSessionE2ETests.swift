import Foundation
import XCTest

/// CONTRACT.md §5–6 for a session that has not authenticated.
final class AnonymousSessionE2ETests: E2ETestCase {
    func testPingHelloAndWhoamiAnswerBeforeAuthentication() throws {
        let server = try startServer()
        let client = try server.connect()
        assertReply(try client.request("PING"), #"OK "PONG""#)
        assertReply(try client.request("ping"), #"OK "PONG""#, "verbs are case-insensitive")

        let hello = try client.request("HELLO")
        assertObject(hello, ["server": "coffer", "protocol": 2])
        let version = try E2EJSON.parse(okReply: hello)["version"]?.stringValue ?? ""
        XCTAssertNotNil(version.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"#, options: .regularExpression),
                        "HELLO's version must be a semantic version, got \(version)")

        assertValue(try client.request("WHOAMI"), ["role": "anonymous"])
    }

    func testEveryCommandThatNeedsAnIdentityAnswersAuthRequired() throws {
        let server = try startServer()
        // A tenant and subject that exist, so that nothing else could be the reason for a refusal.
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "+1 555 0100"])
        let client = try server.connect()
        let lines = [
            "TENANT CREATE beta", "TENANT LIST", "TENANT SHRED acme",
            "SUBJECT ADD bob", "SUBJECT LIST", "SUBJECT LIST alice", "SUBJECT SHRED alice",
            #"SET alice phone "x""#, "GET alice phone", "DEL alice phone", "EXPORT alice",
            "TOKEN ISSUE alice", "TOKEN REVOKE alice", "POLICY GET", "POLICY SET subject_self_edit on",
        ]
        for line in lines {
            assertError(try client.request(line), "AUTH_REQUIRED", line)
        }
        assertReply(try client.request("PING"), #"OK "PONG""#, "AUTH_REQUIRED leaves the connection open")
        // Nothing was done on the anonymous session's behalf.
        assertReply(try admin.request("GET alice phone"), #"OK "+1 555 0100""#)
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice"])
    }

    func testUnknownTokenAnswersAuthFailedAndLeavesTheSessionAnonymous() throws {
        let server = try startServer()
        let client = try server.connect()
        assertError(try client.auth("cft_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), "AUTH_FAILED")
        assertError(try client.request(#"AUTH "not a token at all""#), "AUTH_FAILED")
        assertValue(try client.request("WHOAMI"), ["role": "anonymous"])
        assertReply(try client.request("PING"), #"OK "PONG""#, "two failures leave the connection open")
    }

    func testQuitAnswersOkAndThenTheServerCloses() throws {
        let server = try startServer()
        let client = try server.connect()
        assertReply(try client.request("QUIT"), "OK")
        assertClosed(client)
    }
}
