import Foundation
import XCTest

/// CONTRACT.md §5–6 for the operator: tenants yes, personal data never.
final class OperatorRoleE2ETests: E2ETestCase {
    func testAuthAndWhoamiNameTheOperatorRole() throws {
        let server = try startServer()
        let client = try server.connect()
        assertObject(try client.auth(server.operatorToken), ["role": "operator"])
        assertObject(try client.request("WHOAMI"), ["role": "operator"])
        XCTAssertNil(try E2EJSON.parse(okReply: client.request("WHOAMI"))["tenant"], "the operator belongs to no tenant")
        assertReply(try client.request("PING"), #"OK "PONG""#)
        assertObject(try client.request("HELLO"), ["server": "coffer", "protocol": 2])
    }

    func testTenantCreateAnswersTheNameAndAnEnrollmentTokenNeverAnAdminToken() throws {
        let server = try startServer()
        let op = try server.connectAsOperator()
        let reply = try op.request("TENANT CREATE acme")
        assertObject(reply, ["tenant": "acme"])
        assertTokenMember(reply, "enrollment")
        XCTAssertNil(try E2EJSON.parse(okReply: reply)["token"], "the operator never holds a tenant admin token")
        let enrollment = try XCTUnwrap(E2EJSON.parse(okReply: reply)["enrollment"]?.stringValue)

        let tenant = try server.connect()
        assertValue(try tenant.auth(enrollment), ["role": "enrollment", "tenant": "acme"])
    }

    func testTenantCreateOfAnExistingNameIsExists() throws {
        let server = try startServer()
        let op = try server.connectAsOperator()
        _ = try op.request("TENANT CREATE acme")
        assertError(try op.request("TENANT CREATE acme"), "EXISTS")
        assertValue(try op.request("TENANT LIST"), [["tenant": "acme", "subjects": 0]])
    }

    func testTenantListIsEmptyAtFirstAndThenSortedByName() throws {
        let server = try startServer()
        let op = try server.connectAsOperator()
        assertReply(try op.request("TENANT LIST"), "OK []")
        assertReply(try op.request("tenant list"), "OK []", "verbs and sub-verbs are case-insensitive")
        assertReply(try op.request("Tenant List"), "OK []")
        for name in ["zeta", "acme", "a0", "a-b", "9lives"] { _ = try op.request("TENANT CREATE " + name) }
        // Byte order: digits before letters, '-' (0x2D) before '0' (0x30).
        assertValue(try op.request("TENANT LIST"), [
            ["tenant": "9lives", "subjects": 0], ["tenant": "a-b", "subjects": 0], ["tenant": "a0", "subjects": 0],
            ["tenant": "acme", "subjects": 0], ["tenant": "zeta", "subjects": 0],
        ])
    }

    func testTenantShredAnswersShreddedTrueAndUnknownTenantIsNotFound() throws {
        let server = try startServer()
        let op = try server.connectAsOperator()
        _ = try op.request("TENANT CREATE acme")
        assertValue(try op.request("TENANT SHRED acme"), ["tenant": "acme", "shredded": true])
        assertError(try op.request("TENANT SHRED nosuch"), "NOT_FOUND")
        assertReply(try op.request("TENANT LIST"), "OK []")
    }

    func testOperatorIsForbiddenEverySubjectAndDataCommand() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "+1 555 0100"])
        let op = try server.connectAsOperator()
        let lines = [
            "SUBJECT ADD bob", "SUBJECT LIST", "SUBJECT LIST alice", "SUBJECT SHRED alice",
            #"SET alice phone "x""#, #"SET carol phone "x""#, "GET alice phone", "DEL alice phone", "EXPORT alice",
            "TOKEN ISSUE alice", "TOKEN REVOKE alice", "POLICY GET", "POLICY SET subject_self_edit on",
            // FORBIDDEN comes before INVALID: the arguments are never looked at.
            #"GET "" "Bad Field""#, #"SET "" "Bad" "x""#,
        ]
        for line in lines {
            assertError(try op.request(line), "FORBIDDEN", line)
        }
        assertReply(try admin.request("GET alice phone"), #"OK "+1 555 0100""#, "nothing changed")
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice"], "no subject was added or shredded")
        assertValue(try admin.request("POLICY GET"), ["subject_self_edit": false])
    }
}
