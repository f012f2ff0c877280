import XCTest
@testable import coffer

/// `coffer call`, `shell` and `rotate` print replies through `ReplyDisplay`: nothing a server
/// sends can reach the terminal as a raw control or bidirectional character.
final class ReplyDisplayTests: XCTestCase {
    func testOrdinaryRepliesPrintUnchanged() {
        for reply in ["OK", #"OK "PONG""#, #"OK {"fields":{"name":"Zoë 東京 😀","note":"a\u001bb"}}"#, "ERR NOT_FOUND no such subject"] {
            XCTAssertEqual(ReplyDisplay.text(reply), reply)
        }
    }

    func testTerminalControlSequencesAreEscaped() {
        XCTAssertEqual(ReplyDisplay.text("ERR INTERNAL \u{1B}[2J\u{1B}]0;owned\u{07}"), #"ERR INTERNAL \u001b[2J\u001b]0;owned\u0007"#)
        XCTAssertEqual(ReplyDisplay.text("ERR INTERNAL a\rb\u{8}c\td\u{7F}"), #"ERR INTERNAL a\u000db\u0008c\u0009d\u007f"#)
        XCTAssertEqual(ReplyDisplay.text("OK \"\u{9B}31m\u{85}\u{0}\""), #"OK "\u009b31m\u0085\u0000""#)
    }

    func testLineSeparatorsAndBidirectionalControlsAreEscaped() {
        XCTAssertEqual(ReplyDisplay.text("OK \"\u{202E}gpj.exe\""), #"OK "\u202egpj.exe""#)
        XCTAssertEqual(ReplyDisplay.text("\u{2028}\u{2029}\u{202A}\u{202B}\u{202C}\u{202D}\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}\u{061C}"),
                       #"\u2028\u2029\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061c"#)
    }

    func testNoHostileScalarSurvivesInAnyPosition() {
        let hostile: [UInt32] = Array(0x00...0x1F) + Array(0x7F...0x9F) + [0x061C, 0x200E, 0x200F] + Array(0x2028...0x202E) + Array(0x2066...0x2069)
        for value in hostile {
            let scalar = Unicode.Scalar(value)!
            let shown = ReplyDisplay.text("OK \"x\(scalar)y\"\(scalar)")
            XCTAssertFalse(shown.unicodeScalars.contains(scalar), "U+\(String(value, radix: 16)) printed raw")
            XCTAssertTrue(shown.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F })
        }
    }

    func testEscapedJSONStaysTheSameJSON() throws {
        let reply = "OK {\"note\":\"a\u{1B}b\u{202E}c\u{85}\"}"
        let shown = ReplyDisplay.text(reply)
        let decoded = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(shown.dropFirst(3).utf8)) as? [String: String])
        XCTAssertEqual(decoded["note"].map { Array($0.utf8) }, Array("a\u{1B}b\u{202E}c\u{85}".utf8))
    }
}
