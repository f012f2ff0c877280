import Foundation
import XCTest

/// CONTRACT.md §3: exactly one reply per non-blank line, in request order, also when pipelined.
final class PipeliningE2ETests: E2ETestCase {
    func testOneThousandPipelinedRequestsInOneWriteGetOneThousandRepliesInOrder() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        var batch = ""
        for index in 0..<500 {
            batch += "SET alice f\(index) \"value \(index)\"\nGET alice f\(index)\n"
        }
        try admin.send(raw: batch)
        for index in 0..<500 {
            let set = try XCTUnwrap(admin.readReply(), "SET \(index)")
            let get = try XCTUnwrap(admin.readReply(), "GET \(index)")
            XCTAssertEqual(set, "OK", "SET \(index)")
            XCTAssertEqual(get, "OK \"value \(index)\"", "GET \(index)")
        }
        assertReply(try admin.request("PING"), #"OK "PONG""#, "no reply is left over")
    }

    func testMixedPipelinedRepliesKeepTheirOrderAcrossErrorsAndBlankLines() throws {
        let server = try startServer()
        let client = try server.connect()
        try client.send(raw: "PING\nFOO\n\nGET a\nWHOAMI\n   \nGET alice phone\nHELLO\n")
        assertReply(try XCTUnwrap(client.readReply()), #"OK "PONG""#)
        assertError(try XCTUnwrap(client.readReply()), "UNKNOWN_COMMAND")
        assertError(try XCTUnwrap(client.readReply()), "SYNTAX")
        assertValue(try XCTUnwrap(client.readReply()), ["role": "anonymous"])
        assertError(try XCTUnwrap(client.readReply()), "AUTH_REQUIRED")
        assertObject(try XCTUnwrap(client.readReply()), ["server": "coffer"])
    }

    func testPipelinedAuthTakesEffectForTheLinesAfterIt() throws {
        let server = try startServer()
        let client = try server.connect()
        try client.send(raw: "TENANT LIST\nAUTH \(server.operatorToken)\nTENANT LIST\n")
        assertError(try XCTUnwrap(client.readReply()), "AUTH_REQUIRED")
        assertObject(try XCTUnwrap(client.readReply()), ["role": "operator"])
        assertReply(try XCTUnwrap(client.readReply()), "OK []")
    }

    // MARK: Pipelined writes share group commits (issue 6)

    func testWritesPipelinedOnOneConnectionShareGroupCommits() throws {
        let server = try startServer()
        let (token, admin) = try makeTenant("acme", on: server)
        let before = server.service.vault.writeStatistics
        var batch = ""
        for index in 0..<300 { batch += "SET s\(index) phone \"+49 30 \(index)\"\n" }
        try admin.send(raw: batch)
        for index in 0..<300 { XCTAssertEqual(try admin.readReply(), "OK", "SET \(index)") }
        let after = server.service.vault.writeStatistics
        // 300 writes (and their audit records) were handed to the writer before the first was
        // answered, so commits carried many of them: far fewer transactions than writes.
        XCTAssertGreaterThanOrEqual(after.jobs - before.jobs, 300)
        XCTAssertLessThan(after.transactions - before.transactions, 100, "pipelined writes shared commits")
        XCTAssertGreaterThan(after.largestGroup, 10)
        let other = try server.connect(token: token)
        for index in [0, 150, 299] {
            assertReply(try other.request("GET s\(index) phone"), "OK \"+49 30 \(index)\"", "from another connection")
        }
    }

    func testEachPipelinedWriteIsAnsweredInItsPlaceWhenSomeAreRefused() throws {
        let server = try startServer { $0.maxValueBytes = 10 }
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.send(raw: """
            SET alice phone 1
            DEL alice fax
            SET alice Bad-Name 2
            SET alice phone 0123456789A
            SET bob phone 3
            GET alice phone
            DEL alice phone
            GET alice phone
            SET alice phone 4
            EXPORT alice

            """)
        XCTAssertEqual(try admin.readReply(), "OK")
        assertError(try XCTUnwrap(admin.readReply()), "NOT_FOUND", "DEL of a field that does not exist")
        assertError(try XCTUnwrap(admin.readReply()), "INVALID", "a malformed field name, refused before the writer")
        assertError(try XCTUnwrap(admin.readReply()), "INVALID", "a value over the limit, refused by the writer")
        XCTAssertEqual(try admin.readReply(), "OK")
        XCTAssertEqual(try admin.readReply(), #"OK "1""#, "a read sees every earlier write of its connection")
        XCTAssertEqual(try admin.readReply(), "OK")
        assertError(try XCTUnwrap(admin.readReply()), "NOT_FOUND", "the field was deleted by the line before")
        XCTAssertEqual(try admin.readReply(), "OK")
        assertObject(try XCTUnwrap(admin.readReply()), ["subject": "alice"])
        assertReply(try admin.request("GET bob phone"), #"OK "3""#)
    }

    func testWritesBeforeQuitOrATooLongLineAreAnsweredAndDurable() throws {
        let server = try startServer { $0.maxLineBytes = 200 }
        let (token, admin) = try makeTenant("acme", on: server)
        try admin.send(raw: "SET a f 1\nSET b f 2\nQUIT\nSET c f 3\n")
        XCTAssertEqual(try admin.readReply(), "OK")
        XCTAssertEqual(try admin.readReply(), "OK")
        XCTAssertEqual(try admin.readReply(), "OK", "QUIT")
        assertClosed(admin, "after QUIT")

        let second = try server.connect(token: token)
        try second.send(raw: "SET d f 4\nSET e f 5\n" + String(repeating: "x", count: 300) + "\nSET g f 6\n")
        XCTAssertEqual(try second.readReply(), "OK")
        XCTAssertEqual(try second.readReply(), "OK")
        assertError(try XCTUnwrap(second.readReply()), "TOO_LONG")
        assertClosed(second, "after TOO_LONG")

        let check = try server.connect(token: token)
        for (subject, value) in [("a", "1"), ("b", "2"), ("d", "4"), ("e", "5")] {
            assertReply(try check.request("GET \(subject) f"), "OK \"\(value)\"")
        }
        for subject in ["c", "g"] { assertError(try check.request("GET \(subject) f"), "NOT_FOUND", "after the close") }
    }
}
