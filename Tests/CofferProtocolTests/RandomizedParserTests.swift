import CofferProtocol
import Foundation
import XCTest

/// Throws random byte lines at the lexer and parser: they must never crash, must answer
/// with tokens, a command, or a SYNTAX/UNKNOWN_COMMAND error with a fixed message, and must
/// agree with Foundation's JSON parser on string literals.
final class RandomizedParserTests: XCTestCase {
    /// Bytes that exercise every lexer path, weighted toward the interesting ones.
    private let alphabet: [UInt8] = Array("  \"\"\\\\uuUdDbfnrt/0189aAeEfF".utf8)
        + [0x00, 0x09, 0x0A, 0x0D, 0x0D, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xA9, 0xE0, 0xED, 0xA0, 0xF0, 0x9F, 0x98, 0x80, 0xF4, 0xFF]
        + Array("PING SET GET TENANT CREATE".utf8)

    /// Every message the parser may produce; anything else would be an echo of client bytes.
    private let allowedMessages: Set<String> = {
        var messages: Set<String> = [
            "invalid UTF-8", "control byte in line", "unterminated string", "invalid escape in string",
            "lone surrogate in string", "string glued to other bytes", "unknown command", "empty request",
            "a command word must not be a quoted string",
        ]
        let actions = [
            "PING", "HELLO", "AUTH", "WHOAMI", "QUIT", "TENANT CREATE", "TENANT LIST", "TENANT SHRED",
            "SUBJECT ADD", "SUBJECT LIST", "SUBJECT SHRED", "SET", "GET", "DEL", "EXPORT", "FIND",
            "TOKEN ISSUE", "TOKEN REVOKE", "POLICY GET", "POLICY SET", "KEY ROTATE", "MASTER ROTATE",
            "REQUEST ERASURE", "REQUEST LIST", "AUDIT",
        ]
        for action in actions {
            messages.insert("wrong number of arguments for \(action)")
        }
        for verb in ["TENANT", "SUBJECT", "TOKEN", "POLICY", "KEY", "MASTER", "REQUEST"] {
            messages.insert("missing sub-command for \(verb)")
        }
        return messages
    }()

    func testRandomLinesYieldTokensOrAFixedSyntaxError() throws {
        var random = SplitMix64(seed: 0x5EED_0001)
        var accepted = 0
        for iteration in 0..<30_000 {
            let line = randomLine(using: &random)
            switch lex(line) {
            case .success(let tokens):
                accepted += 1
                try assertTokensSurviveReencoding(tokens, iteration: iteration)
            case .failure(let error):
                XCTAssertEqual(error.code, .syntax, "iteration \(iteration)")
                XCTAssertTrue(allowedMessages.contains(error.message), "iteration \(iteration): unexpected message")
            }
        }
        // The generator must reach both outcomes, or this test proves little.
        XCTAssertGreaterThan(accepted, 1_000)
        XCTAssertLessThan(accepted, 29_000)
    }

    func testRandomLinesParseToACommandOrAFixedError() {
        var random = SplitMix64(seed: 0x5EED_0002)
        let verbs = ["PING", "set", "GET", "tenant", "TENANT CREATE", "subject list", "AUDIT", "POLICY SET", "NOPE", "\"PING\""]
        var commands = 0
        for iteration in 0..<20_000 {
            let verb = Array(verbs.randomElement(using: &random)!.utf8)
            let line = verb + [0x20] + randomLine(using: &random, maxLength: 12)
            switch parse(line) {
            case .success(let command):
                XCTAssertNotNil(command, "a line with a verb is not blank")
                if command != nil {
                    commands += 1
                }
            case .failure(let error):
                XCTAssertTrue([.syntax, .unknownCommand].contains(error.code), "iteration \(iteration)")
                XCTAssertTrue(allowedMessages.contains(error.message), "iteration \(iteration): unexpected message")
            }
        }
        XCTAssertGreaterThan(commands, 100)
    }

    /// String literals built from JSON-ish bytes: whenever the lexer accepts one as a single
    /// string token, Foundation decodes it to the same text, and whenever Foundation refuses
    /// it, so does the lexer.
    func testStringLiteralsAgreeWithFoundation() throws {
        var random = SplitMix64(seed: 0x5EED_0003)
        let literalAlphabet: [UInt8] = Array("\\\\\\uuu0DdEe8Aa9Ff\"/bnrtx ".utf8) + [0x00, 0x0A, 0x7F, 0xC3, 0xA9, 0xED, 0xA0, 0x80, 0xFF]
        var agreedAccepts = 0
        for iteration in 0..<20_000 {
            let content = (0..<Int.random(in: 0...14, using: &random)).map { _ in literalAlphabet.randomElement(using: &random)! }
            let literal = [0x22] + content + [0x22]
            let foundation = try? JSONSerialization.jsonObject(with: Data(literal), options: [.fragmentsAllowed]) as? String
            switch lex(literal) {
            case .success(let tokens) where tokens.count == 1:
                guard case .string(let text) = tokens[0] else {
                    XCTFail("iteration \(iteration): literal lexed as an atom")
                    continue
                }
                guard let foundation else {
                    XCTFail("iteration \(iteration): lexer accepts what Foundation refuses: \(literal)")
                    continue
                }
                XCTAssertTrue(foundation.utf8.elementsEqual(text.utf8), "iteration \(iteration): \(literal)")
                agreedAccepts += 1
            case .success, .failure:
                // RFC 8259 allows a raw DEL (0x7F) in a string; the contract refuses it as a
                // control byte, so only there may Foundation accept what the lexer refuses.
                if !literal.contains(0x7F) {
                    XCTAssertNil(foundation, "iteration \(iteration): Foundation accepts what the lexer refuses: \(literal)")
                }
            }
        }
        XCTAssertGreaterThan(agreedAccepts, 1_000)
    }

    // MARK: Helpers

    private func randomLine(using random: inout SplitMix64, maxLength: Int = 24) -> [UInt8] {
        let length = Int.random(in: 0...maxLength, using: &random)
        // Mostly from the alphabet; sometimes any byte at all.
        return (0..<length).map { _ in
            Int.random(in: 0..<8, using: &random) == 0
                ? UInt8.random(in: 0...255, using: &random)
                : alphabet.randomElement(using: &random)!
        }
    }

    /// Writing every token as a JSON string and lexing again gives the same texts.
    private func assertTokensSurviveReencoding(_ tokens: [Token], iteration: Int) throws {
        var line: [UInt8] = []
        for token in tokens {
            line.append(0x20)
            JSONValue.string(token.text).encode(into: &line)
        }
        let again = try Lexer.tokenize(line)
        XCTAssertEqual(again.count, tokens.count, "iteration \(iteration)")
        for (original, relexed) in zip(tokens, again) {
            XCTAssertTrue(sameKindAndBytes(relexed, .string(original.text)), "iteration \(iteration)")
        }
    }
}
