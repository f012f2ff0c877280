import CofferProtocol
import XCTest

/// The whole line must be strict UTF-8 (Unicode Table 3-7), in atoms and strings alike.
final class LexerUTF8Tests: XCTestCase {
    /// Valid sequences at the edges of each encoding length and around the surrogate gap.
    private let boundaryScalars: [(bytes: [UInt8], scalar: UInt32)] = [
        ([0xC2, 0x80], 0x80),
        ([0xDF, 0xBF], 0x7FF),
        ([0xE0, 0xA0, 0x80], 0x800),
        ([0xED, 0x9F, 0xBF], 0xD7FF),
        ([0xEE, 0x80, 0x80], 0xE000),
        ([0xEF, 0xBF, 0xBF], 0xFFFF),
        ([0xF0, 0x90, 0x80, 0x80], 0x10000),
        ([0xF4, 0x8F, 0xBF, 0xBF], 0x10FFFF),
    ]

    private let invalidSequences: [(name: String, bytes: [UInt8])] = [
        ("overlong NUL", [0xC0, 0x80]),
        ("overlong 2-byte", [0xC1, 0xBF]),
        ("overlong 3-byte", [0xE0, 0x80, 0x80]),
        ("overlong 3-byte max", [0xE0, 0x9F, 0xBF]),
        ("overlong 4-byte", [0xF0, 0x80, 0x80, 0x80]),
        ("overlong 4-byte max", [0xF0, 0x8F, 0xBF, 0xBF]),
        ("encoded high surrogate", [0xED, 0xA0, 0x80]),
        ("encoded low surrogate", [0xED, 0xBF, 0xBF]),
        ("encoded surrogate pair", [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]),
        ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
        ("lead F5", [0xF5, 0x80, 0x80, 0x80]),
        ("lead F8 (5-byte form)", [0xF8, 0x88, 0x80, 0x80, 0x80]),
        ("byte FE", [0xFE]),
        ("byte FF", [0xFF]),
        ("lone continuation 80", [0x80]),
        ("lone continuation BF", [0xBF]),
        ("truncated 2-byte", [0xC3]),
        ("truncated 3-byte", [0xE2, 0x82]),
        ("truncated 4-byte", [0xF0, 0x9F, 0x98]),
        ("2-byte with ASCII second", [0xC3, 0x41]),
        ("3-byte with bad third", [0xE2, 0x82, 0x41]),
        ("4-byte with bad fourth", [0xF0, 0x9F, 0x98, 0xC0]),
        ("extra continuation", [0xC3, 0xA9, 0x80]),
    ]

    func testBoundaryScalarsAreAcceptedInAtoms() {
        for (sequence, scalar) in boundaryScalars {
            let expected = String(Unicode.Scalar(scalar)!)
            assertTokens(bytes("a") + sequence + bytes("b"), [.atom("a" + expected + "b")])
        }
    }

    func testBoundaryScalarsAreAcceptedInStrings() {
        for (sequence, scalar) in boundaryScalars {
            let expected = String(Unicode.Scalar(scalar)!)
            assertTokens([0x22] + sequence + [0x22], [.string(expected)])
        }
    }

    func testInvalidSequencesAreRefusedInAtoms() {
        for (name, sequence) in invalidSequences {
            for line in [bytes("GET a") + sequence + bytes("b"), bytes("GET a") + sequence, sequence] {
                XCTAssertEqual(lexErrorCode(line), .syntax, name)
            }
        }
    }

    func testInvalidSequencesAreRefusedInStrings() {
        for (name, sequence) in invalidSequences {
            XCTAssertEqual(lexErrorCode(bytes("GET \"a") + sequence + bytes("b\"")), .syntax, name)
            XCTAssertEqual(lexErrorCode(bytes("GET \"") + sequence + bytes("\"")), .syntax, name)
        }
    }

    func testTruncatedSequenceBeforeSpaceOrQuoteIsRefused() {
        XCTAssertEqual(lexErrorCode([0x61, 0xC3, 0x20, 0x62]), .syntax)
        XCTAssertEqual(lexErrorCode([0x22, 0xE2, 0x82, 0x22]), .syntax)
        XCTAssertEqual(lexErrorCode([0x61, 0xF0, 0x9F, 0x0D]), .syntax)
    }

    func testInvalidUTF8ErrorSaysSo() {
        XCTAssertEqual(lexError([0xFF])?.message, "invalid UTF-8")
    }

    /// Every two-byte pair after an ASCII byte: accepted exactly when it is valid UTF-8 and
    /// holds no space, quote or control byte.
    func testAgreesWithStandardLibraryOnEveryTwoBytePair() {
        for first in UInt8(0x80)...UInt8(0xFF) {
            for second in UInt8(0x00)...UInt8(0xFF) {
                let line: [UInt8] = [0x61, first, second]
                XCTAssertEqual(lexErrorCode(line) == nil, expectedAtomAccepted(line), "\(first) \(second)")
            }
        }
    }

    /// Three-byte sequences over every lead and second byte, with third bytes at the edges
    /// of the continuation range.
    func testAgreesWithStandardLibraryOnThreeByteSequences() {
        let thirds: [UInt8] = [0x20, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF]
        for first in UInt8(0xC0)...UInt8(0xFF) {
            for second in UInt8(0x80)...UInt8(0xBF) {
                for third in thirds {
                    let line: [UInt8] = [first, second, third]
                    XCTAssertEqual(lexErrorCode(line) == nil, expectedAtomAccepted(line), "\(first) \(second) \(third)")
                }
            }
        }
    }

    /// Random four-byte sequences with valid-looking leads.
    func testAgreesWithStandardLibraryOnRandomFourByteSequences() {
        var random = SplitMix64(seed: 0xC0FFEE)
        let interesting: [UInt8] = [0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xF0, 0xF4, 0xF5]
        for _ in 0..<20_000 {
            let line: [UInt8] = (0..<4).map { index in
                switch index {
                case 0: return UInt8.random(in: 0xE0...0xFF, using: &random)
                default: return Bool.random(using: &random)
                    ? interesting.randomElement(using: &random)!
                    : UInt8.random(in: 0x80...0xBF, using: &random)
                }
            }
            XCTAssertEqual(lexErrorCode(line) == nil, expectedAtomAccepted(line), "\(line)")
        }
    }

    // MARK: Helpers

    private func lexError(_ line: [UInt8]) -> ProtocolError? {
        if case .failure(let error) = lex(line) {
            return error
        }
        return nil
    }

    private func lexErrorCode(_ line: [UInt8]) -> ErrorCode? {
        lexError(line)?.code
    }

    /// The reference: the standard library's validating initializer, plus the atom rules,
    /// after dropping what the lexer ignores at the end (one CR, then spaces).
    private func expectedAtomAccepted(_ line: [UInt8]) -> Bool {
        var body = line[...]
        if body.last == 0x0D {
            body.removeLast()
        }
        while body.last == 0x20 {
            body.removeLast()
        }
        let atomBytesOK = body.allSatisfy { $0 > 0x20 && $0 != 0x22 && $0 != 0x7F }
        return atomBytesOK && String(validating: body, as: UTF8.self) != nil
    }
}
