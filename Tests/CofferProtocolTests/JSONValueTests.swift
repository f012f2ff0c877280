import CofferProtocol
import Foundation
import XCTest

/// The reply JSON encoder: compact RFC 8259 output, escapes, order, and agreement with
/// Foundation's parser.
final class JSONValueTests: XCTestCase {
    func testScalarsEncode() {
        XCTAssertEqual(JSONValue.null.encoded(), "null")
        XCTAssertEqual(JSONValue.bool(true).encoded(), "true")
        XCTAssertEqual(JSONValue.bool(false).encoded(), "false")
        XCTAssertEqual(JSONValue.int(0).encoded(), "0")
        XCTAssertEqual(JSONValue.int(-42).encoded(), "-42")
        XCTAssertEqual(JSONValue.int(Int.max).encoded(), "9223372036854775807")
        XCTAssertEqual(JSONValue.int(Int.min).encoded(), "-9223372036854775808")
        XCTAssertEqual(JSONValue.string("PONG").encoded(), "\"PONG\"")
    }

    func testContainersEncodeCompactly() {
        XCTAssertEqual(JSONValue.array([]).encoded(), "[]")
        XCTAssertEqual(JSONValue.object([]).encoded(), "{}")
        XCTAssertEqual(JSONValue.array([.int(1), .string("a"), .null]).encoded(), #"[1,"a",null]"#)
        XCTAssertEqual(
            JSONValue.object([("tenant", .string("acme")), ("subjects", .int(3))]).encoded(),
            #"{"tenant":"acme","subjects":3}"#)
    }

    func testObjectsKeepInsertionOrder() {
        let value: JSONValue = ["server": "coffer", "version": "1.0.0", "protocol": 1]
        XCTAssertEqual(value.encoded(), #"{"server":"coffer","version":"1.0.0","protocol":1}"#)
        let reversed: JSONValue = ["protocol": 1, "version": "1.0.0", "server": "coffer"]
        XCTAssertEqual(reversed.encoded(), #"{"protocol":1,"version":"1.0.0","server":"coffer"}"#)
    }

    func testNestedValuesEncode() {
        let value: JSONValue = [
            "tenant": "t", "subject": "s",
            "fields": ["phone": "+1", "empty": ""],
            "list": [true, false, .null, [], [:]],
        ]
        XCTAssertEqual(
            value.encoded(),
            #"{"tenant":"t","subject":"s","fields":{"phone":"+1","empty":""},"list":[true,false,null,[],{}]}"#)
    }

    func testQuoteAndBackslashAreEscaped() {
        XCTAssertEqual(JSONValue.string(#"a"b\c"#).encoded(), #""a\"b\\c""#)
    }

    func testShortEscapesAreUsedWhereJSONHasThem() {
        XCTAssertEqual(JSONValue.string("\u{08}\u{0C}\n\r\t").encoded(), #""\b\f\n\r\t""#)
    }

    func testOtherControlCharactersUseUnicodeEscapes() {
        XCTAssertEqual(JSONValue.string("\u{0}\u{1}\u{1F}\u{7F}").encoded(), #""\u0000\u0001\u001f\u007f""#)
    }

    func testSlashAndNonASCIIAreNotEscaped() {
        XCTAssertEqual(JSONValue.string("a/b é 東京 😀").encoded(), "\"a/b é 東京 😀\"")
        XCTAssertEqual(Array(JSONValue.string("é").encoded().utf8), [0x22, 0xC3, 0xA9, 0x22])
    }

    func testObjectKeysAreEscaped() {
        XCTAssertEqual(JSONValue.object([("a\"\n", .null)]).encoded(), #"{"a\"\n":null}"#)
    }

    func testEncodingNeverContainsARawControlByte() {
        let everyASCII = String(decoding: Array(UInt8(0)...UInt8(0x7F)), as: UTF8.self)
        let encoded = Array(JSONValue.object([(everyASCII, .array([.string(everyASCII)]))]).encoded().utf8)
        XCTAssertFalse(encoded.contains { $0 < 0x20 || $0 == 0x7F })
    }

    func testEncodeIntoAppendsToExistingBytes() {
        var output = Array("OK ".utf8)
        JSONValue.string("x").encode(into: &output)
        XCTAssertEqual(output, Array("OK \"x\"".utf8))
    }

    func testLiteralsBuildTheExpectedCases() {
        let value: JSONValue = ["s": "x", "i": 7, "b": true, "a": [1]]
        XCTAssertEqual(value, .object([("s", .string("x")), ("i", .int(7)), ("b", .bool(true)), ("a", .array([.int(1)]))]))
    }

    func testEqualityComparesStringsByteForByte() {
        XCTAssertNotEqual(JSONValue.string("\u{212A}"), JSONValue.string("K"))
        XCTAssertNotEqual(JSONValue.string("e\u{301}"), JSONValue.string("é"))
        XCTAssertNotEqual(JSONValue.object([("e\u{301}", .null)]), JSONValue.object([("é", .null)]))
        XCTAssertEqual(JSONValue.string("é"), JSONValue.string("\u{E9}"))
    }

    func testEqualityDistinguishesMemberOrderAndKinds() {
        XCTAssertNotEqual(JSONValue.object([("a", .int(1)), ("b", .int(2))]), .object([("b", .int(2)), ("a", .int(1))]))
        XCTAssertNotEqual(JSONValue.int(1), .bool(true))
        XCTAssertNotEqual(JSONValue.array([.null]), .array([]))
        XCTAssertNotEqual(JSONValue.object([("a", .int(1))]), .object([("a", .int(2))]))
    }

    func testEveryStringSurvivesFoundationRoundTrip() throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let text = randomText(using: &random)
            let decoded = try JSONSerialization.jsonObject(with: Data(JSONValue.string(text).encoded().utf8), options: [.fragmentsAllowed])
            let decodedText = try XCTUnwrap(decoded as? String)
            XCTAssertTrue(decodedText.utf8.elementsEqual(text.utf8), "scalars \(text.unicodeScalars.map(\.value))")
        }
    }

    func testNestedValuesSurviveFoundationRoundTrip() throws {
        var random = SplitMix64(seed: 11)
        for _ in 0..<300 {
            let value = randomValue(depth: 0, using: &random)
            let decoded = try JSONSerialization.jsonObject(with: Data(value.encoded().utf8), options: [.fragmentsAllowed])
            XCTAssertTrue(matches(value, decoded), value.encoded())
        }
    }

    func testEncodedStringsReLexToTheSameText() throws {
        var random = SplitMix64(seed: 13)
        for _ in 0..<2_000 {
            let text = randomText(using: &random)
            let line = "GET " + JSONValue.string(text).encoded()
            let tokens = try Lexer.tokenize(Array(line.utf8))
            XCTAssertEqual(tokens.count, 2)
            XCTAssertTrue(sameKindAndBytes(tokens[1], .string(text)), "scalars \(text.unicodeScalars.map(\.value))")
        }
    }

    // MARK: Helpers

    /// Random text drawn from controls, JSON specials, ASCII and multi-byte scalars.
    private func randomText(using random: inout SplitMix64) -> String {
        let pools: [ClosedRange<UInt32>] = [0x00...0x1F, 0x20...0x7F, 0x22...0x22, 0x5C...0x5C, 0x80...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFF, 0x10000...0x10FFFF]
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...24, using: &random) {
            let pool = pools.randomElement(using: &random)!
            scalars.append(Unicode.Scalar(UInt32.random(in: pool, using: &random))!)
        }
        return String(scalars)
    }

    private func randomValue(depth: Int, using random: inout SplitMix64) -> JSONValue {
        let choice = Int.random(in: 0..<(depth < 3 ? 6 : 4), using: &random)
        switch choice {
        case 0: return .string(randomText(using: &random))
        case 1: return .int(Int.random(in: Int.min...Int.max, using: &random))
        case 2: return .bool(Bool.random(using: &random))
        case 3: return .null
        case 4: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(depth: depth + 1, using: &random) })
        default:
            // Distinct keys, so Foundation's unordered dictionary loses nothing.
            let count = Int.random(in: 0...4, using: &random)
            return .object((0..<count).map { ("k\($0)" + randomText(using: &random), randomValue(depth: depth + 1, using: &random)) })
        }
    }

    /// Whether Foundation's decoding of an encoded value matches the value.
    private func matches(_ value: JSONValue, _ decoded: Any) -> Bool {
        let isBoolean = String(describing: type(of: decoded)).contains("Boolean") || type(of: decoded) == Bool.self
        switch value {
        case .string(let text):
            return (decoded as? String).map { $0.utf8.elementsEqual(text.utf8) } ?? false
        case .int(let number):
            // Compared as text: Foundation on Linux decodes some large integers as
            // NSDecimalNumber, which does not always bridge to Int.
            return !isBoolean && (decoded as? NSNumber)?.stringValue == String(number)
        case .bool(let flag):
            return isBoolean && (decoded as? Bool) == flag
        case .null:
            return decoded is NSNull
        case .array(let elements):
            guard let array = decoded as? [Any], array.count == elements.count else { return false }
            return zip(elements, array).allSatisfy { matches($0, $1) }
        case .object(let members):
            guard let dictionary = decoded as? [String: Any], dictionary.count == members.count else { return false }
            return members.allSatisfy { key, member in
                guard let match = dictionary.first(where: { $0.key.utf8.elementsEqual(key.utf8) }) else { return false }
                return matches(member, match.value)
            }
        }
    }
}
