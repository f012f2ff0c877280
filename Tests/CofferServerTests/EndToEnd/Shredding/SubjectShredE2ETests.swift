import Foundation
import XCTest

/// CONTRACT.md §6 "Shredding is final" for subjects.
final class SubjectShredE2ETests: E2ETestCase {
    func testShreddedSubjectIsGoneFromReadsListsAndTokens() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "+1 555 0100", "email", "alice@example.com"])
        try admin.request(words: ["SET", "bob", "phone", "+1 555 0199"])
        let token = try issueToken("alice", by: admin)
        let alice = try server.connect(token: token)

        assertValue(try admin.request("SUBJECT SHRED alice"), ["subject": "alice", "shredded": true])

        for line in ["GET alice phone", "EXPORT alice", "DEL alice email", "SUBJECT SHRED alice", "TOKEN ISSUE alice",
                     "TOKEN REVOKE alice"] {
            assertError(try admin.request(line), "NOT_FOUND", line)
        }
        assertLastPage(try admin.request("SUBJECT LIST"), ["bob"])
        assertValue(try alice.request("WHOAMI"), ["role": "anonymous"], "the open subject session")
        assertError(try alice.request("GET alice phone"), "AUTH_REQUIRED")
        let fresh = try server.connect()
        assertError(try fresh.auth(token), "AUTH_FAILED")
        assertValue(try admin.request("GET bob phone"), "+1 555 0199", "other subjects are intact")
        let op = try server.connectAsOperator()
        assertValue(try op.request("TENANT LIST"), [["tenant": "acme", "subjects": 1]])
    }

    func testReAddingAShreddedSubjectStartsEmpty() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "+1 555 0100"])
        let oldToken = try issueToken("alice", by: admin)
        _ = try admin.request("SUBJECT SHRED alice")

        assertReply(try admin.request("SUBJECT ADD alice"), "OK")
        assertValue(try admin.request("EXPORT alice"), ["tenant": "acme", "subject": "alice", "fields": [:]])
        assertError(try admin.request("GET alice phone"), "NOT_FOUND")
        let fresh = try server.connect()
        assertError(try fresh.auth(oldToken), "AUTH_FAILED", "the old token does not come back")

        _ = try admin.request("SUBJECT SHRED alice")
        assertReply(try admin.request(words: ["SET", "alice", "email", "new@example.com"]), "OK", "SET also re-creates")
        assertValue(try admin.request("EXPORT alice"), ["tenant": "acme", "subject": "alice", "fields": ["email": "new@example.com"]])
    }
}
