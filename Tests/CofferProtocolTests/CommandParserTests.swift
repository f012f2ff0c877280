import CofferProtocol
import XCTest

/// Verbs, sub-verbs and argument counts of every command (CONTRACT.md §6), and the
/// precedence of UNKNOWN_COMMAND over SYNTAX (wrong number of arguments).
final class CommandParserTests: XCTestCase {
    /// A command's verb words, the argument counts it accepts, and how its arguments map.
    private struct Shape {
        let words: String
        let arities: ClosedRange<Int>
        let make: ([String]) -> Command
    }

    private let shapes: [Shape] = [
        Shape(words: "PING", arities: 0...0) { _ in .ping },
        Shape(words: "HELLO", arities: 0...0) { _ in .hello },
        Shape(words: "AUTH", arities: 1...1) { .auth(token: $0[0]) },
        Shape(words: "WHOAMI", arities: 0...0) { _ in .whoami },
        Shape(words: "QUIT", arities: 0...0) { _ in .quit },
        Shape(words: "TENANT CREATE", arities: 1...1) { .tenantCreate($0[0]) },
        Shape(words: "TENANT LIST", arities: 0...0) { _ in .tenantList },
        Shape(words: "TENANT SHRED", arities: 1...1) { .tenantShred($0[0]) },
        Shape(words: "SUBJECT ADD", arities: 1...1) { .subjectAdd($0[0]) },
        Shape(words: "SUBJECT LIST", arities: 0...1) { .subjectList(cursor: $0.first) },
        Shape(words: "SUBJECT SHRED", arities: 1...1) { .subjectShred($0[0]) },
        Shape(words: "GET", arities: 2...2) { .get(subject: $0[0], field: $0[1]) },
        Shape(words: "DEL", arities: 2...2) { .del(subject: $0[0], field: $0[1]) },
        Shape(words: "EXPORT", arities: 1...1) { .export(subject: $0[0]) },
        Shape(words: "FIND", arities: 2...3) { .find(field: $0[0], value: $0[1], cursor: $0.count > 2 ? $0[2] : nil) },
        Shape(words: "TOKEN ISSUE", arities: 1...1) { .tokenIssue($0[0]) },
        Shape(words: "TOKEN REVOKE", arities: 1...1) { .tokenRevoke($0[0]) },
        Shape(words: "POLICY GET", arities: 0...0) { _ in .policyGet },
        Shape(words: "POLICY SET", arities: 2...2) { .policySet(name: $0[0], value: $0[1]) },
        Shape(words: "KEY ROTATE", arities: 0...0) { _ in .keyRotate },
        Shape(words: "MASTER ROTATE", arities: 0...0) { _ in .masterRotate },
        Shape(words: "REQUEST ERASURE", arities: 0...0) { _ in .requestErasure },
        Shape(words: "REQUEST LIST", arities: 0...0) { _ in .requestList },
        Shape(words: "AUDIT", arities: 0...1) { .audit(limit: $0.first) },
    ]

    private let verbsWithSubVerbs = ["TENANT", "SUBJECT", "TOKEN", "POLICY", "KEY", "MASTER", "REQUEST"]

    func testEveryCommandParsesWithEachAcceptedArgumentCount() throws {
        for shape in shapes {
            for count in shape.arities {
                let arguments = markers(count)
                let command = try CommandParser.parse(tokens(shape.words, arguments))
                XCTAssertEqual(command, shape.make(arguments), shape.words)
            }
        }
    }

    func testEveryCommandRefusesTooFewOrTooManyArgumentsAsSyntax() {
        for shape in shapes {
            var counts = [shape.arities.upperBound + 1, shape.arities.upperBound + 3]
            if shape.arities.lowerBound > 0 {
                counts.append(shape.arities.lowerBound - 1)
            }
            for count in counts {
                let error = parseError(tokens(shape.words, markers(count)))
                XCTAssertEqual(error?.code, .syntax, "\(shape.words) with \(count) arguments")
                XCTAssertEqual(error?.message, "wrong number of arguments for \(shape.words)")
            }
        }
    }

    func testActionNamesVerbAndSubVerbInUpperCase() throws {
        for shape in shapes {
            let arguments = markers(shape.arities.lowerBound)
            XCTAssertEqual(try CommandParser.parse(tokens(shape.words, arguments)).action, shape.words)
        }
        XCTAssertEqual(try CommandParser.parse(tokens("SET", ["s", "f", "v"])).action, "SET")
    }

    func testVerbsAndSubVerbsAreCaseInsensitive() throws {
        for shape in shapes {
            let arguments = markers(shape.arities.lowerBound)
            let expected = shape.make(arguments)
            XCTAssertEqual(try CommandParser.parse(tokens(shape.words.lowercased(), arguments)), expected)
            XCTAssertEqual(try CommandParser.parse(tokens(alternatingCase(shape.words), arguments)), expected)
        }
    }

    func testArgumentsKeepTheirCase() throws {
        XCTAssertEqual(try CommandParser.parse(tokens("tenant create", ["AcMe"])), .tenantCreate("AcMe"))
        XCTAssertEqual(try CommandParser.parse(tokens("get", ["Bob", "Phone"])), .get(subject: "Bob", field: "Phone"))
    }

    func testStringTokensAreAcceptedAsArguments() throws {
        let line: [Token] = [.atom("GET"), .string("a b"), .string("phone")]
        XCTAssertEqual(try CommandParser.parse(line), .get(subject: "a b", field: "phone"))
    }

    func testUnknownVerbIsUnknownCommandWithoutEchoingIt() {
        for verb in ["NOPE", "zq9secret", "PINGG", "PIN", "CREATE", "ROTATE", "LIST", "é", "PINGPINGPINGPING"] {
            let error = parseError([.atom(verb)])
            XCTAssertEqual(error?.code, .unknownCommand, verb)
            XCTAssertEqual(error?.message, "unknown command")
        }
    }

    func testUnknownVerbWinsOverArgumentCount() {
        XCTAssertEqual(parseError(tokens("NOPE", ["a", "b", "c", "d", "e"]))?.code, .unknownCommand)
    }

    func testKnownVerbWithoutSubVerbIsSyntax() {
        for verb in verbsWithSubVerbs {
            let error = parseError([.atom(verb)])
            XCTAssertEqual(error?.code, .syntax, verb)
            XCTAssertEqual(error?.message, "missing sub-command for \(verb)")
            XCTAssertEqual(parseError([.atom(verb.lowercased())])?.code, .syntax, verb)
        }
    }

    func testUnknownSubVerbIsUnknownCommand() {
        for verb in verbsWithSubVerbs {
            XCTAssertEqual(parseError(tokens("\(verb) FOO", ["x"]))?.code, .unknownCommand, verb)
            XCTAssertEqual(parseError(tokens("\(verb) FOO", []))?.code, .unknownCommand, verb)
        }
    }

    func testUnknownSubVerbWinsOverArgumentCount() {
        XCTAssertEqual(parseError(tokens("TENANT FOO", ["a", "b", "c"]))?.code, .unknownCommand)
        XCTAssertEqual(parseError(tokens("KEY SPIN", ["a"]))?.code, .unknownCommand)
    }

    func testSubVerbOfAnotherVerbIsUnknownCommand() {
        XCTAssertEqual(parseError(tokens("TENANT ADD", ["x"]))?.code, .unknownCommand)
        XCTAssertEqual(parseError(tokens("KEY LIST", []))?.code, .unknownCommand)
        XCTAssertEqual(parseError(tokens("REQUEST GET", []))?.code, .unknownCommand)
    }

    func testVerbSentAsStringIsSyntax() {
        XCTAssertEqual(parseError([.string("PING")])?.code, .syntax)
        XCTAssertEqual(parseError([.string("NOPE")])?.code, .syntax)
        XCTAssertEqual(parseError([.string("GET"), .atom("s"), .atom("f")])?.code, .syntax)
    }

    func testSubVerbSentAsStringIsSyntax() {
        XCTAssertEqual(parseError([.atom("TENANT"), .string("CREATE"), .atom("x")])?.code, .syntax)
        XCTAssertEqual(parseError([.atom("TENANT"), .string("FOO")])?.code, .syntax)
        XCTAssertEqual(parseError([.atom("KEY"), .string("ROTATE")])?.code, .syntax)
    }

    func testNonASCIILookalikeVerbsAreUnknown() {
        // KELVIN SIGN is canonically equivalent to "K"; LONG S upper-cases to "S".
        XCTAssertEqual(parseError([.atom("\u{212A}EY"), .atom("ROTATE")])?.code, .unknownCommand)
        XCTAssertEqual(parseError([.atom("KEY"), .atom("ROTATE\u{0301}")])?.code, .unknownCommand)
        XCTAssertEqual(parseError([.atom("\u{017F}ET"), .atom("s"), .atom("f"), .atom("v")])?.code, .unknownCommand)
        XCTAssertEqual(parseError([.atom("ＰＩＮＧ")])?.code, .unknownCommand)
    }

    func testEmptyTokenListIsSyntax() {
        XCTAssertEqual(parseError([])?.code, .syntax)
    }

    // MARK: SET

    func testSetWithOnePair() throws {
        XCTAssertEqual(
            try CommandParser.parse(tokens("SET", ["bob", "phone", "+1 555"])),
            .set(subject: "bob", pairs: [FieldValue(field: "phone", value: "+1 555")]))
    }

    func testSetWithSeveralPairsKeepsTheirOrder() throws {
        XCTAssertEqual(
            try CommandParser.parse(tokens("set", ["bob", "b", "2", "a", "1", "c", ""])),
            .set(subject: "bob", pairs: [
                FieldValue(field: "b", value: "2"), FieldValue(field: "a", value: "1"), FieldValue(field: "c", value: ""),
            ]))
    }

    func testSetKeepsDuplicateFieldsForTheServerToRefuse() throws {
        let command = try CommandParser.parse(tokens("SET", ["s", "f", "1", "f", "2"]))
        XCTAssertEqual(command, .set(subject: "s", pairs: [FieldValue(field: "f", value: "1"), FieldValue(field: "f", value: "2")]))
    }

    func testSetWithoutACompletePairIsSyntax() {
        for count in [0, 1, 2, 4, 6, 8] {
            let error = parseError(tokens("SET", markers(count)))
            XCTAssertEqual(error?.code, .syntax, "\(count) arguments")
            XCTAssertEqual(error?.message, "wrong number of arguments for SET")
        }
    }

    func testSetAcceptsAnyOddArgumentCountFromThree() throws {
        for count in stride(from: 3, through: 11, by: 2) {
            guard case .set(_, let pairs) = try CommandParser.parse(tokens("SET", markers(count))) else {
                return XCTFail("not a SET")
            }
            XCTAssertEqual(pairs.count, (count - 1) / 2)
        }
    }

    // MARK: Helpers

    /// Distinctive argument texts, so a test can tell whether a message echoes them.
    private func markers(_ count: Int) -> [String] {
        (0..<count).map { "zq9arg\($0)" }
    }

    private func tokens(_ words: String, _ arguments: [String]) -> [Token] {
        words.split(separator: " ").map { .atom(String($0)) } + arguments.map { .atom($0) }
    }

    private func alternatingCase(_ text: String) -> String {
        String(text.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.lowercased()) : $0.element })
    }

    private func parseError(_ tokens: [Token]) -> ProtocolError? {
        do throws(ProtocolError) {
            _ = try CommandParser.parse(tokens)
            return nil
        } catch {
            XCTAssertFalse(error.message.contains("zq9"), "message echoes an argument")
            return error
        }
    }
}
