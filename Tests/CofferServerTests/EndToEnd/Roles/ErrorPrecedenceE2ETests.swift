import Foundation
import XCTest

/// CONTRACT.md §3: when several errors apply, TOO_LONG, SYNTAX (lexing), UNKNOWN_COMMAND,
/// SYNTAX (arity), AUTH_REQUIRED, FORBIDDEN, INVALID, then NOT_FOUND/EXISTS.
final class ErrorPrecedenceE2ETests: E2ETestCase {
    func testUnknownVerbsAndSubVerbsBeatArity() throws {
        let server = try startServer()
        let client = try server.connect()
        for line in ["FOO", "FOO a b c d e", "TENANT FOO", "TENANT FOO a b c", "SUBJECT RENAME a b", "TOKEN MAKE",
                     "POLICY DROP x", "PINGS", "tenant foo"] {
            assertError(try client.request(line), "UNKNOWN_COMMAND", line)
        }
    }

    func testKnownVerbWithoutItsSubVerbIsSyntax() throws {
        let server = try startServer()
        let client = try server.connect()
        for line in ["TENANT", "SUBJECT", "TOKEN", "POLICY", "tenant"] {
            assertError(try client.request(line), "SYNTAX", line)
        }
    }

    func testWrongArgumentCountIsSyntaxEvenForAnonymousSessions() throws {
        let server = try startServer()
        let client = try server.connect()
        for line in ["GET a b c", "GET a", "SET a b", "SET a b c d", "DEL a", "EXPORT", "EXPORT a b", "AUTH", "AUTH a b",
                     "PING x", "HELLO x", "WHOAMI x", "QUIT now", "TENANT CREATE", "TENANT LIST x", "TENANT SHRED",
                     "SUBJECT ADD", "SUBJECT LIST a b", "TOKEN ISSUE", "TOKEN REVOKE a b", "POLICY GET x",
                     "POLICY SET subject_self_edit"] {
            assertError(try client.request(line), "SYNTAX", line)
        }
        assertValue(try client.request("WHOAMI"), ["role": "anonymous"], "QUIT with an argument did not quit")
    }

    func testAuthRequiredBeatsInvalidArguments() throws {
        let server = try startServer()
        let client = try server.connect()
        assertError(try client.request(#"GET "bad\u0001" x"#), "AUTH_REQUIRED")
        assertError(try client.request(#"SET "" "Bad Field" "v""#), "AUTH_REQUIRED")
        assertError(try client.request("TENANT CREATE Not_Valid"), "AUTH_REQUIRED")
        assertError(try client.request("POLICY SET nonsense maybe"), "AUTH_REQUIRED")
    }

    func testLexingErrorsBeatUnknownCommands() throws {
        let server = try startServer()
        let client = try server.connect()
        assertError(try client.request(#"FOO "unterminated"#), "SYNTAX")
        assertError(try client.request(#"FOO "a"b"#), "SYNTAX")
        assertError(try client.request(#"FOO "\ud800""#), "SYNTAX")
        assertError(try client.request(#""PING""#), "SYNTAX", "the verb must be an atom")
        assertError(try client.request(#"TENANT "LIST""#), "SYNTAX", "the sub-verb must be an atom")
    }

    func testForbiddenBeatsInvalidAndNotFound() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request("SUBJECT ADD alice")
        let alice = try server.connect(token: try issueToken("alice", by: admin))
        assertError(try alice.request("GET nobody phone"), "FORBIDDEN", "not NOT_FOUND")
        assertError(try alice.request(#"GET "" phone"#), "FORBIDDEN", "not INVALID")
        assertError(try alice.request(#"SET alice "Bad Field" "v""#), "FORBIDDEN", "policy off: not INVALID")
        let op = try server.connectAsOperator()
        assertError(try op.request("EXPORT nobody"), "FORBIDDEN", "not NOT_FOUND")
    }

    func testInvalidBeatsNotFoundAndExists() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "1"])
        assertError(try admin.request(#"GET nobody "Bad Field""#), "INVALID", "not NOT_FOUND")
        assertError(try admin.request(#"DEL nobody "Bad Field""#), "INVALID", "not NOT_FOUND")
        assertError(try admin.request(#"SUBJECT SHRED """#), "INVALID", "not NOT_FOUND")
        let op = try server.connectAsOperator()
        assertError(try op.request("TENANT SHRED Not_Valid"), "INVALID", "not NOT_FOUND")
        assertError(try op.request("TENANT CREATE ACME"), "INVALID", "not EXISTS")
    }

    func testTooLongBeatsEverythingElse() throws {
        let server = try startServer { $0.maxLineBytes = 256 }
        let client = try server.connect()
        try client.send(raw: Array(("FOO \"unterminated " + String(repeating: "x", count: 300) + "\n").utf8))
        let reply = try XCTUnwrap(client.readReply())
        assertError(reply, "TOO_LONG")
        assertClosed(client)
    }
}
