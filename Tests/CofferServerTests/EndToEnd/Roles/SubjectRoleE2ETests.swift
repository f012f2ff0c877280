import Foundation
import XCTest

/// CONTRACT.md §5–6 for a data subject: its own data only, edits only while the policy allows.
final class SubjectRoleE2ETests: E2ETestCase {
    /// Tenant `acme` with subjects alice (phone, email) and bob (phone); alice has a token.
    private func aliceAndBob() throws -> (server: E2EServer, admin: E2EClient, alice: E2EClient, aliceToken: String) {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "+1 555 0100", "email", "alice@example.com"])
        try admin.request(words: ["SET", "bob", "phone", "+1 555 0199"])
        let token = try issueToken("alice", by: admin)
        return (server, admin, try server.connect(token: token), token)
    }

    func testAuthAndWhoamiNameTheTenantAndTheSubject() throws {
        let (server, _, alice, token) = try aliceAndBob()
        assertValue(try alice.request("WHOAMI"), ["role": "subject", "tenant": "acme", "subject": "alice"])
        let again = try server.connect()
        assertValue(try again.auth(token), ["role": "subject", "tenant": "acme", "subject": "alice"])
    }

    func testSubjectReadsAndExportsItsOwnData() throws {
        let (_, _, alice, _) = try aliceAndBob()
        assertReply(try alice.request("GET alice phone"), #"OK "+1 555 0100""#)
        assertValue(try alice.request("EXPORT alice"), [
            "tenant": "acme", "subject": "alice", "fields": ["phone": "+1 555 0100", "email": "alice@example.com"],
        ])
        assertError(try alice.request("GET alice fax"), "NOT_FOUND")
    }

    func testSubjectIsForbiddenAnotherSubjectWhetherOrNotItExists() throws {
        let (_, admin, alice, _) = try aliceAndBob()
        try admin.request("POLICY SET subject_self_edit on")
        for line in ["GET bob phone", "GET nobody phone", "EXPORT bob", "EXPORT nobody",
                     #"SET bob phone "x""#, #"SET nobody phone "x""#, "DEL bob phone", "DEL nobody phone",
                     "GET Alice phone", #"GET "" phone"#, #"GET "Bob" "Bad Field""#] {
            assertError(try alice.request(line), "FORBIDDEN", line)
        }
        assertReply(try admin.request("GET bob phone"), #"OK "+1 555 0199""#, "bob is unchanged")
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice", "bob"], "no subject was created")
    }

    func testSubjectCannotEditItsDataWhileThePolicyIsOff() throws {
        let (_, admin, alice, _) = try aliceAndBob()
        assertError(try alice.request(words: ["SET", "alice", "phone", "+1 555 0111"]), "FORBIDDEN")
        assertError(try alice.request(words: ["SET", "alice", "fax", "1"]), "FORBIDDEN")
        assertError(try alice.request("DEL alice email"), "FORBIDDEN")
        assertValue(try admin.request("EXPORT alice"), [
            "tenant": "acme", "subject": "alice", "fields": ["phone": "+1 555 0100", "email": "alice@example.com"],
        ])
    }

    func testPolicyChangesApplyAtOnceToAnOpenSubjectSession() throws {
        let (_, admin, alice, _) = try aliceAndBob()
        assertError(try alice.request(words: ["SET", "alice", "phone", "+1 555 0111"]), "FORBIDDEN")

        assertReply(try admin.request("POLICY SET subject_self_edit on"), "OK")
        assertReply(try alice.request(words: ["SET", "alice", "phone", "+1 555 0111", "fax", "+1 555 0112"]), "OK")
        assertReply(try alice.request("DEL alice email"), "OK")
        assertValue(try admin.request("EXPORT alice"), [
            "tenant": "acme", "subject": "alice", "fields": ["phone": "+1 555 0111", "fax": "+1 555 0112"],
        ])

        assertReply(try admin.request("POLICY SET subject_self_edit off"), "OK")
        assertError(try alice.request(words: ["SET", "alice", "phone", "+1 555 0122"]), "FORBIDDEN")
        assertError(try alice.request("DEL alice fax"), "FORBIDDEN")
        assertReply(try alice.request("GET alice phone"), #"OK "+1 555 0111""#, "reading is still allowed")
    }

    func testSubjectEditsStillObeyTheArgumentRules() throws {
        let (_, admin, alice, _) = try aliceAndBob()
        try admin.request("POLICY SET subject_self_edit on")
        assertError(try alice.request(words: ["SET", "alice", "Bad", "x"]), "INVALID")
        assertError(try alice.request(words: ["SET", "alice", "phone", String(repeating: "9", count: 16385)]), "INVALID")
        assertError(try alice.request(words: ["SET", "alice", "phone", "1", "phone", "2"]), "INVALID")
        assertError(try alice.request("DEL alice fax"), "NOT_FOUND")
        assertReply(try admin.request("GET alice phone"), #"OK "+1 555 0100""#)
    }

    func testSubjectIsForbiddenTenantAndOperatorCommands() throws {
        let (_, admin, alice, _) = try aliceAndBob()
        for line in ["TENANT CREATE beta", "TENANT LIST", "TENANT SHRED acme", "SUBJECT ADD carol", "SUBJECT LIST",
                     "SUBJECT SHRED alice", "SUBJECT SHRED bob", "TOKEN ISSUE alice", "TOKEN ISSUE bob",
                     "TOKEN REVOKE alice", "POLICY GET", "POLICY SET subject_self_edit on"] {
            assertError(try alice.request(line), "FORBIDDEN", line)
        }
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice", "bob"], "a subject cannot shred itself or add others")
        assertValue(try admin.request("POLICY GET"), ["subject_self_edit": false])
        assertValue(try alice.request("WHOAMI"), ["role": "subject", "tenant": "acme", "subject": "alice"],
                    "the refused TOKEN commands did not replace or revoke alice's token")
    }
}
