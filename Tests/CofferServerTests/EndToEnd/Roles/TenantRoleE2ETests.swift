import Foundation
import XCTest

/// CONTRACT.md §5–6 for a tenant administrator: full control of its own subjects and data.
final class TenantRoleE2ETests: E2ETestCase {
    func testAuthAndWhoamiNameTheTenant() throws {
        let server = try startServer()
        let token = try createTenant("acme", on: server)
        let admin = try server.connect()
        assertValue(try admin.auth(token), ["role": "tenant", "tenant": "acme"])
        assertValue(try admin.request("WHOAMI"), ["role": "tenant", "tenant": "acme"])
    }

    func testSubjectAddAnswersOkAndASecondAddIsExists() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertReply(try admin.request(words: ["SUBJECT", "ADD", "alice@example.com"]), "OK")
        assertError(try admin.request(words: ["SUBJECT", "ADD", "alice@example.com"]), "EXISTS")
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice@example.com"])
    }

    func testSubjectListIsEmptyAtFirstAndThenSortedByBytes() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertLastPage(try admin.request("SUBJECT LIST"), [])
        for subject in ["bob", "émile", "Zed", "alice", "bob2", "Jane Doe"] {
            assertReply(try admin.request(words: ["SUBJECT", "ADD", subject]), "OK", subject)
        }
        // Upper case (0x4A, 0x5A) before lower case; 'é' (0xC3 0xA9) after every ASCII letter.
        assertLastPage(try admin.request("SUBJECT LIST"), ["Jane Doe", "Zed", "alice", "bob", "bob2", "émile"])
    }

    func testSetGetDelAndExportRoundTrip() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertReply(try admin.request(words: ["SET", "alice", "phone", "+49 30 1234", "address.street", "Hauptstraße 1"]), "OK")
        assertReply(try admin.request("GET alice phone"), #"OK "+49 30 1234""#)
        assertValue(try admin.request("GET alice address.street"), "Hauptstraße 1")
        assertValue(try admin.request("EXPORT alice"), [
            "tenant": "acme", "subject": "alice",
            "fields": ["phone": "+49 30 1234", "address.street": "Hauptstraße 1"],
        ])
        assertReply(try admin.request("DEL alice phone"), "OK")
        assertError(try admin.request("GET alice phone"), "NOT_FOUND")
        assertError(try admin.request("DEL alice phone"), "NOT_FOUND")
        assertObject(try admin.request("EXPORT alice"), ["fields": ["address.street": "Hauptstraße 1"]])
    }

    func testSetCreatesANewSubjectAndReplacesExistingValues() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertReply(try admin.request(words: ["SET", "bob", "email", "bob@example.com"]), "OK")
        assertLastPage(try admin.request("SUBJECT LIST"), ["bob"])
        assertReply(try admin.request(words: ["SET", "bob", "email", "robert@example.com"]), "OK")
        assertValue(try admin.request("GET bob email"), "robert@example.com")
        assertReply(try admin.request(words: ["SET", "bob", "empty", ""]), "OK", "an empty value is allowed")
        assertReply(try admin.request("GET bob empty"), #"OK """#)
    }

    func testExportOfASubjectWithoutFieldsHasEmptyFields() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertReply(try admin.request("SUBJECT ADD carol"), "OK")
        assertValue(try admin.request("EXPORT carol"), ["tenant": "acme", "subject": "carol", "fields": [:]])
    }

    func testCommandsAboutAnUnknownSubjectOrFieldAreNotFound() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "1"])
        for line in ["GET nobody phone", "DEL nobody phone", "EXPORT nobody", "SUBJECT SHRED nobody",
                     "TOKEN ISSUE nobody", "TOKEN REVOKE nobody", "GET alice email", "DEL alice email"] {
            assertError(try admin.request(line), "NOT_FOUND", line)
        }
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice"], "no read created a subject")
    }

    func testTokenIssueAnswersTheSubjectAndATokenThatAuthenticatesIt() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request("SUBJECT ADD alice")
        let reply = try admin.request("TOKEN ISSUE alice")
        assertObject(reply, ["subject": "alice"])
        assertTokenMember(reply)
        let token = try XCTUnwrap(E2EJSON.parse(okReply: reply)["token"]?.stringValue)
        let subject = try server.connect()
        assertValue(try subject.auth(token), ["role": "subject", "tenant": "acme", "subject": "alice"])
        assertReply(try admin.request("TOKEN REVOKE alice"), "OK")
    }

    func testPolicyIsOffByDefaultAndPolicySetTurnsItOnAndOff() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertValue(try admin.request("POLICY GET"), ["subject_self_edit": false])
        assertReply(try admin.request("POLICY SET subject_self_edit on"), "OK")
        assertValue(try admin.request("POLICY GET"), ["subject_self_edit": true])
        assertReply(try admin.request("policy set subject_self_edit off"), "OK", "sub-verbs are case-insensitive")
        assertValue(try admin.request("POLICY GET"), ["subject_self_edit": false])
    }

    func testTenantIsForbiddenTheOperatorsCommands() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertError(try admin.request("TENANT CREATE beta"), "FORBIDDEN")
        assertError(try admin.request("TENANT CREATE Bad_Name"), "FORBIDDEN", "FORBIDDEN before INVALID")
        assertError(try admin.request("TENANT LIST"), "FORBIDDEN")
        let op = try server.connectAsOperator()
        assertValue(try op.request("TENANT LIST"), [["tenant": "acme", "subjects": 0]], "no tenant was created")
    }
}
