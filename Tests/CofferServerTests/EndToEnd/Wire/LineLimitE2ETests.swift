import Foundation
import XCTest

/// CONTRACT.md §2: `limits.maxLineBytes` counts every byte of the line, CR and LF included.
final class LineLimitE2ETests: E2ETestCase {
    private let limit = 1024

    /// `SET alice bio "<x…>"` padded so that the whole line, with `terminator`, has `total` bytes.
    private func setLine(totalBytes total: Int, terminator: String) -> (line: String, value: String) {
        let prefix = "SET alice bio \""
        let value = String(repeating: "x", count: total - prefix.utf8.count - 1 - terminator.utf8.count)
        return (prefix + value + "\"" + terminator, value)
    }

    func testALineOfExactlyTheLimitCountingCRAndLFIsAccepted() throws {
        let server = try startServer { $0.maxLineBytes = self.limit }
        let (_, admin) = try makeTenant("acme", on: server)
        let (crlf, crlfValue) = setLine(totalBytes: limit, terminator: "\r\n")
        XCTAssertEqual(crlf.utf8.count, limit)
        try admin.send(raw: crlf)
        assertReply(try XCTUnwrap(admin.readReply()), "OK")
        assertValue(try admin.request("GET alice bio"), .string(crlfValue))

        let (lf, lfValue) = setLine(totalBytes: limit, terminator: "\n")
        try admin.send(raw: lf)
        assertReply(try XCTUnwrap(admin.readReply()), "OK")
        assertValue(try admin.request("GET alice bio"), .string(lfValue))

        try admin.send(raw: "PING" + String(repeating: " ", count: limit - 6) + "\r\n")
        assertReply(try XCTUnwrap(admin.readReply()), #"OK "PONG""#, "trailing spaces up to the limit")
    }

    func testALineOneByteOverTheLimitIsTooLongAndClosesTheConnection() throws {
        let server = try startServer { $0.maxLineBytes = self.limit }
        let (_, admin) = try makeTenant("acme", on: server)
        let (line, _) = setLine(totalBytes: limit + 1, terminator: "\r\n")
        try admin.send(raw: line)
        assertError(try XCTUnwrap(admin.readReply()), "TOO_LONG")
        assertClosed(admin, "after TOO_LONG")

        let fresh = try server.connect()
        assertReply(try fresh.request("PING"), #"OK "PONG""#, "the server keeps serving others")
    }

    func testALongLineWithoutLineFeedIsTooLongWithoutWaitingForTheEnd() throws {
        let server = try startServer { $0.maxLineBytes = self.limit }
        let client = try server.connect()
        try client.send(raw: String(repeating: "A", count: limit * 4))
        assertError(try XCTUnwrap(client.readReply()), "TOO_LONG")
        assertClosed(client)
    }

    func testRepliesToEarlierPipelinedLinesComeBeforeTooLong() throws {
        let server = try startServer { $0.maxLineBytes = self.limit }
        let client = try server.connect()
        try client.send(raw: "PING\nWHOAMI\n" + String(repeating: "B", count: limit + 10) + "\nPING\n")
        assertReply(try XCTUnwrap(client.readReply()), #"OK "PONG""#)
        assertValue(try XCTUnwrap(client.readReply()), ["role": "anonymous"])
        assertError(try XCTUnwrap(client.readReply()), "TOO_LONG")
        assertClosed(client, "the PING after the long line gets no reply")
    }

    func testValueLimitFollowsTheConfiguration() throws {
        let server = try startServer { $0.maxValueBytes = 10 }
        let (_, admin) = try makeTenant("acme", on: server)
        assertReply(try admin.request(words: ["SET", "alice", "code", "0123456789"]), "OK")
        assertError(try admin.request(words: ["SET", "alice", "code", "0123456789A"]), "INVALID")
    }
}
