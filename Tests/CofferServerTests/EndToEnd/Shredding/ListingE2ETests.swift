import Foundation
import XCTest

/// CONTRACT.md §6: `TENANT LIST` counts and order, `SUBJECT LIST` cursor and page limit.
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

    func testSubjectListCursorNeedNotNameAnExistingSubject() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        for subject in ["alice", "bob", "carol", "dave"] { try admin.request(words: ["SUBJECT", "ADD", subject]) }
        assertValue(try admin.request("SUBJECT LIST"), ["alice", "bob", "carol", "dave"])
        assertValue(try admin.request("SUBJECT LIST alice"), ["bob", "carol", "dave"], "starts after an existing subject")
        assertValue(try admin.request("SUBJECT LIST b"), ["bob", "carol", "dave"], "a cursor before bob")
        assertValue(try admin.request("SUBJECT LIST bz"), ["carol", "dave"], "a cursor between bob and carol")
        assertValue(try admin.request(#"SUBJECT LIST "A""#), ["alice", "bob", "carol", "dave"], "upper case sorts first")
        assertReply(try admin.request("SUBJECT LIST dave"), "OK []")
        assertReply(try admin.request("SUBJECT LIST zzz"), "OK []")
        assertValue(try admin.request(#"SUBJECT LIST """#), ["alice", "bob", "carol", "dave"], "an empty cursor")
    }

    func testSubjectListReturnsAtMostOneThousandAndPagesOnWithTheCursor() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        let subjects = (0..<1001).map { String(format: "subject-%04d", $0) }
        // Pipelined: one write, then 1001 replies.
        try admin.send(raw: subjects.map { "SUBJECT ADD \($0)\n" }.joined())
        for subject in subjects {
            let reply = try XCTUnwrap(admin.readReply(), subject)
            XCTAssertEqual(reply, "OK", subject)
        }

        let firstPage = try XCTUnwrap(E2EJSON.parse(okReply: admin.request("SUBJECT LIST")).arrayValue)
        XCTAssertEqual(firstPage.count, 1000)
        XCTAssertEqual(firstPage, subjects.prefix(1000).map { E2EJSON.string($0) }, "sorted, the first thousand")
        let last = try XCTUnwrap(firstPage.last?.stringValue)
        assertValue(try admin.request(words: ["SUBJECT", "LIST", last]), ["subject-1000"])
        let middle = try XCTUnwrap(E2EJSON.parse(okReply: admin.request("SUBJECT LIST subject-0500")).arrayValue)
        XCTAssertEqual(middle, subjects[501...].map { E2EJSON.string($0) })

        let op = try server.connectAsOperator()
        assertValue(try op.request("TENANT LIST"), [["tenant": "acme", "subjects": 1001]])
    }
}
