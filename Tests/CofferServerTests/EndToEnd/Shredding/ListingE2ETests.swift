import Foundation
import XCTest

/// CONTRACT.md §6: `TENANT LIST` counts and order; the pages and cursors of `SUBJECT LIST` and `FIND`.
final class ListingE2ETests: E2ETestCase {
    func testTenantListCountsSubjectsWithAndWithoutFieldsSortedByName() throws {
        let server = try startServer()
        let (_, beta) = try makeTenant("beta", on: server)
        let (_, alpha) = try makeTenant("alpha", on: server)
        _ = try makeTenant("alpha-2", on: server)
        try alpha.request("SUBJECT ADD no-fields-1")
        try alpha.request("SUBJECT ADD no-fields-2")
        try alpha.request(words: ["SET", "with-fields", "phone", "1", "email", "e"])
        try beta.request(words: ["SET", "only", "phone", "1"])
        try beta.request("DEL only phone")  // a subject whose fields were all deleted still counts

        let op = try server.connectAsOperator()
        assertValue(try op.request("TENANT LIST"), [
            ["tenant": "alpha", "subjects": 3], ["tenant": "alpha-2", "subjects": 0], ["tenant": "beta", "subjects": 1],
        ])
        try alpha.request("SUBJECT SHRED no-fields-1")
        assertValue(try op.request("TENANT LIST"), [
            ["tenant": "alpha", "subjects": 2], ["tenant": "alpha-2", "subjects": 0], ["tenant": "beta", "subjects": 1],
        ])
    }

    /// Writes pipelined: every line first, then every reply, each of which must be `OK`.
    private func pipeline(_ lines: [String], on client: E2EClient) throws {
        try client.send(raw: lines.map { $0 + "\n" }.joined())
        for line in lines { XCTAssertEqual(try client.readReply(), "OK", line) }
    }

    func testListingsAnswerExactlyTheContractShape() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertReply(try admin.request("SUBJECT LIST"), #"OK {"subjects":[],"next":null}"#)
        assertReply(try admin.request("FIND phone 42"), #"OK {"subjects":[],"next":null}"#)
        try admin.request("SET alice phone 42")
        assertReply(try admin.request("SUBJECT LIST"), #"OK {"subjects":["alice"],"next":null}"#)
        assertReply(try admin.request("FIND phone 42"), #"OK {"subjects":["alice"],"next":null}"#)
    }

    func testSubjectListAndFindPageOverTheWireReturningEverySubjectOnce() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        let subjects = (0..<1001).map { String(format: "subject-%04d", $0) }
        try pipeline(subjects.map { "SET \($0) phone 42" } + ["SUBJECT ADD no-fields", "SET other phone 43"], on: admin)

        let found = try everyPage(admin, ["FIND", "phone", "42"])
        XCTAssertEqual(found.map(\.count), [1000, 1], "a full page, then the last")
        XCTAssertEqual(Self.byBytes(found.flatMap { $0 }), Self.byBytes(subjects))

        var added: [String] = []
        let listed = try everyPage(admin, ["SUBJECT", "LIST"]) { done in
            // Between pages: one subject shredded, one added; neither needs to be listed.
            try admin.request("SUBJECT SHRED subject-0999")
            try admin.request("SUBJECT ADD added-\(done)")
            added.append("added-\(done)")
        }
        XCTAssertEqual(listed.count, 2, "1003 subjects make two pages")
        XCTAssertEqual(listed.first?.count, 1000, "the first page is full")
        let everyListed = listed.flatMap { $0 }
        XCTAssertEqual(Set(everyListed).count, everyListed.count, "no subject twice")
        XCTAssertEqual(Self.byBytes(everyListed.filter { $0 != "subject-0999" && !added.contains($0) }),
                       Self.byBytes(subjects.filter { $0 != "subject-0999" } + ["no-fields", "other"]))

        let op = try server.connectAsOperator()
        assertValue(try op.request("TENANT LIST"), [["tenant": "acme", "subjects": 1003]])
    }

    func testACursorIsInvalidForAnotherListingTenantOrLaterTenantOfTheSameName() throws {
        let server = try startServer()
        let (_, acme) = try makeTenant("acme", on: server)
        let (_, beta) = try makeTenant("beta", on: server)
        try pipeline((0..<1001).map { "SET s\($0) phone 42 fax 42" }, on: acme)
        let listCursor = try XCTUnwrap(try listingPage(try acme.request("SUBJECT LIST")).next)
        let findCursor = try XCTUnwrap(try listingPage(try acme.request("FIND phone 42")).next)

        let remaining = try listingPage(try acme.request(words: ["FIND", "phone", "42", findCursor]))
        XCTAssertEqual(remaining.subjects.count, 1)
        XCTAssertNil(remaining.next)
        assertError(try acme.request(words: ["FIND", "phone", "42", listCursor]), "INVALID", "a SUBJECT LIST cursor")
        assertError(try acme.request(words: ["SUBJECT", "LIST", findCursor]), "INVALID", "a FIND cursor")
        assertError(try acme.request(words: ["FIND", "phone", "43", findCursor]), "INVALID", "a cursor for another value")
        assertError(try acme.request(words: ["FIND", "fax", "42", findCursor]), "INVALID", "a cursor for another field")
        assertError(try beta.request(words: ["SUBJECT", "LIST", listCursor]), "INVALID", "another tenant's cursor")
        assertError(try beta.request(words: ["FIND", "phone", "42", findCursor]), "INVALID", "another tenant's cursor")
        for malformed in ["x", "alice", #""""#, String(listCursor.dropLast()), listCursor + "A", String(listCursor.reversed())] {
            assertError(try acme.request("SUBJECT LIST \(malformed)"), "INVALID", "a malformed cursor")
            assertError(try acme.request("FIND phone 42 \(malformed)"), "INVALID", "a malformed cursor")
        }

        try acme.request("TENANT SHRED acme")
        let (_, later) = try makeTenant("acme", on: server)
        try later.request("SET s0 phone 42")
        assertError(try later.request(words: ["SUBJECT", "LIST", listCursor]), "INVALID", "a cursor of the shredded tenant")
        assertError(try later.request(words: ["FIND", "phone", "42", findCursor]), "INVALID", "a cursor of the shredded tenant")
    }

    func testACursorIsCheckedOnlyForATenantAdministrator() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request("SET alice phone 42")
        let alice = try server.connect(token: try issueToken("alice", by: admin))
        assertError(try alice.request("SUBJECT LIST not-a-cursor"), "FORBIDDEN", "FORBIDDEN ranks before INVALID")
        assertError(try alice.request("FIND phone 42 not-a-cursor"), "FORBIDDEN", "FORBIDDEN ranks before INVALID")
        assertError(try server.connect().request("SUBJECT LIST not-a-cursor"), "AUTH_REQUIRED")
        assertError(try admin.request("FIND phone 42 a b"), "SYNTAX", "FIND takes at most three arguments")
        assertError(try admin.request("SUBJECT LIST a b"), "SYNTAX")
    }
}
