import Foundation
import XCTest
import CofferTLS

/// The line buffer both the server (request lines, bounded) and the client (reply lines, with
/// its own bound: `limit: Int.max`) use.
final class LineBufferTests: XCTestCase {
    func testLinesSplitAcrossAppendsAndPipelinedLinesComeOutInOrder() {
        var buffer = LineBuffer()
        append("PI", to: &buffer)
        XCTAssertEqual(buffer.nextLine(limit: 100), .needMore)
        append("NG\r\nGET a\nGE", to: &buffer)
        XCTAssertEqual(buffer.nextLine(limit: 100), .line(Array("PING\r".utf8)), "a CR before the LF is kept")
        XCTAssertEqual(buffer.nextLine(limit: 100), .line(Array("GET a".utf8)))
        XCTAssertEqual(buffer.nextLine(limit: 100), .needMore)
        XCTAssertEqual(buffer.count, 2)
        append("T b\n", to: &buffer)
        XCTAssertTrue(buffer.containsCompleteLine())
        XCTAssertEqual(buffer.nextLine(limit: 100), .line(Array("GET b".utf8)))
        XCTAssertTrue(buffer.isEmpty)
    }

    func testTheLimitCountsTheLineFeedAndATooLongLineIsNotConsumed() {
        var buffer = LineBuffer()
        append("abcd\n", to: &buffer)
        XCTAssertEqual(buffer.nextLine(limit: 4), .tooLong)
        XCTAssertEqual(buffer.count, 5, "nothing consumed")
        XCTAssertEqual(buffer.nextLine(limit: 5), .line(Array("abcd".utf8)))
    }

    func testAnIncompleteLineThatCannotFitIsTooLongBeforeItsLineFeedArrives() {
        var buffer = LineBuffer()
        append("abcd", to: &buffer)
        XCTAssertEqual(buffer.nextLine(limit: 5), .needMore, "the LF would make five bytes")
        append("e", to: &buffer)
        XCTAssertEqual(buffer.nextLine(limit: 5), .tooLong)
    }

    func testAnUnboundedLimitReturnsLinesOfAnyLength() {
        var buffer = LineBuffer()
        let long = String(repeating: "x", count: 200_000)
        append(long, to: &buffer)
        XCTAssertEqual(buffer.nextLine(limit: Int.max), .needMore)
        append("\nshort\n", to: &buffer)
        XCTAssertEqual(buffer.nextLine(limit: Int.max), .line(Array(long.utf8)))
        XCTAssertEqual(buffer.nextLine(limit: Int.max), .line(Array("short".utf8)))
    }

    private func append(_ text: String, to buffer: inout LineBuffer) {
        Array(text.utf8).withUnsafeBytes { buffer.append($0) }
    }
}
