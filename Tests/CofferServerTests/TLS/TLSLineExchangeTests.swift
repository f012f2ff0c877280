import Foundation
import XCTest
import CofferServer
import CofferClient

final class TLSLineExchangeTests: XCTestCase {
    func testVerifiedClientRoundTripsLines() throws {
        let server = try TLSEchoServer()
        let client = try server.connect()
        defer { client.close() }
        XCTAssertEqual(try client.request("PING"), "OK PING")
        XCTAssertEqual(try client.request("SET \"alice\" \"+49 30 1234\""), "OK SET \"alice\" \"+49 30 1234\"")
        XCTAssertEqual(try client.request("Grüße"), "OK Grüße")
        XCTAssertEqual(server.listener.activeConnections, 1)
    }

    func testThousandPipelinedLinesComeBackInOrder() throws {
        let server = try TLSEchoServer()
        let client = try server.connect()
        defer { client.close() }
        let lines = (0..<1000).map { "request number \($0)" }
        try client.send(raw: Array(lines.map { $0 + "\n" }.joined().utf8))
        for line in lines {
            XCTAssertEqual(try client.readReplyLine(), "OK \(line)")
        }
        XCTAssertEqual(try client.request("PING"), "OK PING", "the connection stays usable after the burst")
    }

    func testLineOverTheLimitYieldsTooLongAndCloses() throws {
        let server = try TLSEchoServer(lineLimit: 1024)
        let client = try server.connect()
        defer { client.close() }
        try client.send(raw: Array(repeating: UInt8(ascii: "x"), count: 5000) + [0x0A] + Array("PING\n".utf8))
        XCTAssertEqual(try client.readReplyLine(), "ERR TOO_LONG the line is too long")
        XCTAssertNil(try client.readReplyLine(), "the server closes after TOO_LONG")
        XCTAssertEqual(server.probe.handlerFinished.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(server.probe.events, ["tooLong"])
    }

    func testTooLongReplySurvivesTheUnreadRestOfAHugeLine() throws {
        let server = try TLSEchoServer(lineLimit: 1024)
        let client = try server.connect()
        defer { client.close() }
        // Far more than the server reads before it gives up: the rest is still unread when it
        // closes, which without a lingering close turns into a reset that can eat the reply.
        try? client.send(raw: Array(repeating: UInt8(ascii: "x"), count: 600_000) + [0x0A])
        XCTAssertEqual(try client.readReplyLine(), "ERR TOO_LONG the line is too long")
    }

    func testLimitCountsTheCarriageReturnAndLineFeed() throws {
        let server = try TLSEchoServer(lineLimit: 10)
        let client = try server.connect()
        defer { client.close() }
        // "abcdefghi" + LF is exactly 10 bytes: accepted.
        XCTAssertEqual(try client.request("abcdefghi"), "OK abcdefghi")
        // "abcdefgh" + CR + LF is exactly 10 bytes: accepted.
        try client.send(raw: Array("abcdefgh\r\n".utf8))
        XCTAssertEqual(try client.readReplyLine(), "OK abcdefgh\r")
        // "abcdefghi" + CR + LF is 11 bytes: too long, although its text is no longer than before.
        try client.send(raw: Array("abcdefghi\r\n".utf8))
        XCTAssertEqual(try client.readReplyLine(), "ERR TOO_LONG the line is too long")
    }

    func testCarriageReturnBeforeLineFeedIsLeftForTheLexer() throws {
        let server = try TLSEchoServer()
        let client = try server.connect()
        defer { client.close() }
        try client.send(raw: Array("PING\r\n".utf8))
        XCTAssertEqual(try client.readReplyLine(), "OK PING\r")
    }

    func testPartialLineAtEndOfInputIsDiscarded() throws {
        let server = try TLSEchoServer()
        let client = try server.connect()
        try client.send(raw: Array("PING\nPARTIAL".utf8))
        XCTAssertEqual(try client.readReplyLine(), "OK PING")
        client.close()
        XCTAssertEqual(server.probe.handlerFinished.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(server.probe.events, ["line:PING", "closed"])
    }

    func testLinesSplitAcrossWritesAreReassembled() throws {
        let server = try TLSEchoServer()
        let client = try server.connect()
        defer { client.close() }
        try client.send(raw: Array("HEL".utf8))
        Thread.sleep(forTimeInterval: 0.05)
        try client.send(raw: Array("LO\nWOR".utf8))
        XCTAssertEqual(try client.readReplyLine(), "OK HELLO")
        try client.send(raw: Array("LD\n".utf8))
        XCTAssertEqual(try client.readReplyLine(), "OK WORLD")
    }

    func testLargeRepliesAreDeliveredWhole() throws {
        let server = try TLSEchoServer(lineLimit: 300_000)
        let client = try server.connect()
        defer { client.close() }
        let big = String(repeating: "0123456789", count: 20_000)
        XCTAssertEqual(try client.request(big), "OK " + big)
    }

    func testRequestRefusesALineFeedInsideTheLine() throws {
        let server = try TLSEchoServer()
        let client = try server.connect()
        defer { client.close() }
        assertTLSClientError(.invalidRequest) { try client.request("PING\nPING") }
        XCTAssertEqual(try client.request("PING"), "OK PING")
    }
}
