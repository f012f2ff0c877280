import Foundation
import XCTest

/// CONTRACT.md §3: an `ERR` message never echoes a stored value, a token or personal data.
/// Every request here carries a marker; no reply to it may contain the marker.
final class ReplyHygieneE2ETests: E2ETestCase {
    private let marker = "MARKER7Q3Z"

    private func assertNoMarker(_ reply: String, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(reply.hasPrefix("ERR "), "\(context): expected a refusal", file: file, line: line)
        XCTAssertFalse(reply.lowercased().contains(marker.lowercased()), "\(context): the error message echoes what was sent", file: file, line: line)
        XCTAssertFalse(reply.contains("cft_"), "\(context): the error message shows a token", file: file, line: line)
    }

    func testErrorMessagesNeverEchoValuesIdentifiersOrTokens() throws {
        let server = try startServer { $0.maxValueBytes = 64 }
        let (adminToken, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "1"])
        let aliceToken = try issueToken("alice", by: admin)
        let alice = try server.connect(token: aliceToken)
        let anonymous = try server.connect()
        let m = marker

        let refusals: [(E2EClient, String)] = [
            (anonymous, "FOO\(m)"),
            (anonymous, "TENANT \(m)"),
            (anonymous, "GET \(m) \(m) \(m)"),
            (anonymous, "GET \(m) phone"),
            (anonymous, "\"\(m)\""),
            (anonymous, "GET \"\(m)"),
            (anonymous, "GET \"\(m)\"x phone"),
            (anonymous, "GET \"\(m)\\q\" phone"),
            (admin, "SET \(m)-subject phone \"\(String(repeating: m, count: 10))\""),
            (admin, "SET alice phone \"\(m)\" phone \"\(m)2\""),
            (admin, "SET alice Bad\(m) \"\(m)\""),
            (admin, "GET \(m)-nobody phone"),
            (admin, "GET alice \(m)"),
            (admin, "GET alice field\(m.lowercased())"),
            (admin, "SUBJECT ADD alice"),
            (admin, "SUBJECT SHRED \(m)"),
            (admin, "TOKEN ISSUE \(m)"),
            (admin, "POLICY SET \(m) on"),
            (admin, "POLICY SET subject_self_edit \(m)"),
            (admin, "TENANT SHRED \(m.lowercased())"),
            (admin, "TENANT CREATE \(m)"),
            (alice, "GET \(m) phone"),
            (alice, "SET alice phone \"\(m)\""),
        ]
        for (client, line) in refusals {
            assertNoMarker(try client.request(line), line)
        }

        // Tokens: neither a wrong token nor a right one for the wrong purpose is echoed.
        let probe = try server.connect()
        assertNoMarker(try probe.auth("cft_\(m)"), "AUTH with an unknown token")
        assertNoMarker(try probe.request("AUTH \(adminToken) extra"), "AUTH with two arguments")
        XCTAssertFalse(try probe.request("AUTH \(adminToken) extra").contains(adminToken))
    }

    func testRefusedValueIsNotEchoedWhenItIsTooLong() throws {
        let server = try startServer { $0.maxValueBytes = 16 }
        let (_, admin) = try makeTenant("acme", on: server)
        let reply = try admin.request(words: ["SET", "alice", "secret", "\(marker)\(marker)"])
        assertError(reply, "INVALID")
        assertNoMarker(reply, "over-long value")
    }
}
