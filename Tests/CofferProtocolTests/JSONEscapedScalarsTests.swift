import CofferProtocol
import Foundation
import XCTest

/// Reply JSON never carries a scalar that can disturb a terminal or reorder displayed text raw:
/// C1 controls, the Unicode line and paragraph separators and the bidirectional controls are
/// written as `\uXXXX` escapes, and still decode to exactly the same text.
final class JSONEscapedScalarsTests: XCTestCase {
    /// Every scalar the escaper must write as `\uXXXX`, besides the C0 controls and DEL.
    private let escaped: [UInt32] = Array(0x80...0x9F) + [0x061C, 0x200E, 0x200F, 0x2028, 0x2029]
        + Array(0x202A...0x202E) + Array(0x2066...0x2069)

    func testC1ControlsUseUnicodeEscapes() {
        XCTAssertEqual(JSONValue.string("a\u{80}b\u{85}c\u{9F}").encoded(), #""a\u0080b\u0085c\u009f""#)
    }

    func testLineAndParagraphSeparatorsUseUnicodeEscapes() {
        XCTAssertEqual(JSONValue.string("a\u{2028}b\u{2029}").encoded(), #""a\u2028b\u2029""#)
    }

    func testBidirectionalControlsUseUnicodeEscapes() {
        XCTAssertEqual(JSONValue.string("\u{202E}gpj.exe").encoded(), #""\u202egpj.exe""#)
        XCTAssertEqual(JSONValue.string("\u{2066}\u{2067}\u{2068}\u{2069}").encoded(), #""\u2066\u2067\u2068\u2069""#)
        XCTAssertEqual(JSONValue.string("\u{202A}\u{202B}\u{202C}\u{202D}").encoded(), #""\u202a\u202b\u202c\u202d""#)
        XCTAssertEqual(JSONValue.string("\u{200E}\u{200F}\u{061C}").encoded(), #""\u200e\u200f\u061c""#)
    }

    func testObjectKeysAreEscapedToo() {
        XCTAssertEqual(JSONValue.object([("k\u{202E}", .string("\u{85}"))]).encoded(), #"{"k\u202e":"\u0085"}"#)
    }

    func testNeighboursOfTheEscapedRangesPassVerbatim() {
        let neighbours = "\u{7E}\u{A0}\u{A9}\u{061B}\u{061D}\u{200D}\u{2010}\u{2027}\u{202F}\u{2065}\u{206A}é😀"
        XCTAssertEqual(JSONValue.string(neighbours).encoded(), "\"\(neighbours)\"")
    }

    func testNoEncodedStringCarriesAnEscapedScalarRaw() {
        for value in escaped {
            let text = "x" + String(Unicode.Scalar(value)!) + "y"
            let encoded = JSONValue.string(text).encoded()
            XCTAssertFalse(encoded.unicodeScalars.contains { $0.value == value }, "U+\(String(value, radix: 16)) left raw")
            XCTAssertTrue(encoded.unicodeScalars.allSatisfy { $0.isASCII }, "U+\(String(value, radix: 16)): \(encoded.debugDescription)")
        }
    }

    func testEscapedScalarsDecodeToTheSameBytes() throws {
        let text = String(String.UnicodeScalarView(escaped.map { Unicode.Scalar($0)! })) + "tail é"
        let encoded = JSONValue.string(text).encoded()
        let decoded = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(encoded.utf8), options: [.fragmentsAllowed]) as? String)
        XCTAssertTrue(decoded.utf8.elementsEqual(text.utf8), "Foundation decodes the escapes to the same bytes")
        let tokens = try Lexer.tokenize(Array(("GET " + encoded).utf8))
        XCTAssertEqual(tokens.count, 2)
        XCTAssertTrue(sameKindAndBytes(tokens[1], .string(text)), "the request lexer decodes the escapes to the same bytes")
    }

    func testEveryScalarOfTheBasicPlaneIsEscapedExactlyWhenItMust() {
        let mustEscape = Set(escaped + Array(0x00...0x1F) + [0x7F])
        // `"` and `\` are escaped with themselves (other tests cover them).
        for value in UInt32(0)...0xFFFF where value != 0x22 && value != 0x5C {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let encoded = JSONValue.string(String(scalar)).encoded()
            let raw = encoded.unicodeScalars.contains(scalar)
            XCTAssertEqual(raw, !mustEscape.contains(value), "U+\(String(value, radix: 16))")
        }
    }
}
