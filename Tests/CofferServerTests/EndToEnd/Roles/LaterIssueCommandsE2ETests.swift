import Foundation
import XCTest

/// Commands owned by later issues answer `UNKNOWN_COMMAND` for now, for every role, and leave
/// the connection open.
final class LaterIssueCommandsE2ETests: E2ETestCase {
    private let laterCommands = ["KEY ROTATE", "MASTER ROTATE", "key rotate", "master rotate"]

    func testLaterIssueCommandsAreUnknownForEveryRole() throws {
        let server = try startServer()
        let (adminToken, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "123"])
        let subjectToken = try issueToken("alice", by: admin)
        let sessions: [(String, E2EClient)] = [
            ("anonymous", try server.connect()),
            ("operator", try server.connectAsOperator()),
            ("tenant", try server.connect(token: adminToken)),
            ("subject", try server.connect(token: subjectToken)),
        ]
        for (role, client) in sessions {
            for line in laterCommands {
                assertError(try client.request(line), "UNKNOWN_COMMAND", "\(role): \(line)")
            }
            assertReply(try client.request("PING"), #"OK "PONG""#, "\(role): the connection stays open")
        }
        assertValue(try admin.request("GET alice phone"), "123")
    }
}
