/// Turns the tokens of a non-blank line into a `Command` (CONTRACT.md §3 and §6).
public enum CommandParser {
    /// Parses a tokenized, non-blank line.
    ///
    /// Errors follow the contract's precedence: an unknown verb or sub-verb is
    /// `UNKNOWN_COMMAND`; a known verb missing its sub-verb, a verb or sub-verb sent as a
    /// string token, or a wrong number of arguments is `SYNTAX`. `SET` takes a subject and
    /// at least one field/value pair.
    public static func parse(_ tokens: [Token]) throws(ProtocolError) -> Command {
        guard let first = tokens.first else {
            throw .syntax("empty request")
        }
        let verb = try keyword(first)
        let arguments = tokens.dropFirst()
        switch verb {
        case "PING":
            try expect(arguments, count: 0, action: "PING")
            return .ping
        case "HELLO":
            try expect(arguments, count: 0, action: "HELLO")
            return .hello
        case "AUTH":
            try expect(arguments, count: 1, action: "AUTH")
            return .auth(token: argument(arguments, 0))
        case "WHOAMI":
            try expect(arguments, count: 0, action: "WHOAMI")
            return .whoami
        case "QUIT":
            try expect(arguments, count: 0, action: "QUIT")
            return .quit
        case "SET":
            return try parseSet(arguments)
        case "GET":
            try expect(arguments, count: 2, action: "GET")
            return .get(subject: argument(arguments, 0), field: argument(arguments, 1))
        case "DEL":
            try expect(arguments, count: 2, action: "DEL")
            return .del(subject: argument(arguments, 0), field: argument(arguments, 1))
        case "EXPORT":
            try expect(arguments, count: 1, action: "EXPORT")
            return .export(subject: argument(arguments, 0))
        case "FIND":
            try expect(arguments, count: 2...3, action: "FIND")
            return .find(field: argument(arguments, 0), value: argument(arguments, 1),
                         cursor: arguments.count > 2 ? argument(arguments, 2) : nil)
        case "AUDIT":
            try expect(arguments, count: 0...1, action: "AUDIT")
            return .audit(limit: arguments.first?.text)
        case "TENANT":
            return try parseTenant(arguments)
        case "SUBJECT":
            return try parseSubject(arguments)
        case "TOKEN":
            return try parseToken(arguments)
        case "POLICY":
            return try parsePolicy(arguments)
        case "KEY":
            return try parseSingleSubVerb(arguments, verb: "KEY", subVerb: "ROTATE", command: .keyRotate)
        case "MASTER":
            return try parseSingleSubVerb(arguments, verb: "MASTER", subVerb: "ROTATE", command: .masterRotate)
        case "ADMIN":
            return try parseSingleSubVerb(arguments, verb: "ADMIN", subVerb: "ROTATE", command: .adminRotate)
        case "OPERATOR":
            return try parseSingleSubVerb(arguments, verb: "OPERATOR", subVerb: "ROTATE", command: .operatorRotate)
        case "REQUEST":
            return try parseRequest(arguments)
        case "DATA":
            return try parseData(arguments)
        default:
            throw .unknownCommand
        }
    }

    // MARK: Verbs with sub-verbs

    private static func parseTenant(_ tokens: ArraySlice<Token>) throws(ProtocolError) -> Command {
        let (subVerb, arguments) = try split(tokens, verb: "TENANT")
        switch subVerb {
        case "CREATE":
            try expect(arguments, count: 1, action: "TENANT CREATE")
            return .tenantCreate(argument(arguments, 0))
        case "ENROLL":
            try expect(arguments, count: 1, action: "TENANT ENROLL")
            return .tenantEnroll(argument(arguments, 0))
        case "CLAIM":
            try expect(arguments, count: 0, action: "TENANT CLAIM")
            return .tenantClaim
        case "LIST":
            try expect(arguments, count: 0, action: "TENANT LIST")
            return .tenantList
        case "SHRED":
            try expect(arguments, count: 1, action: "TENANT SHRED")
            return .tenantShred(argument(arguments, 0))
        default:
            throw .unknownCommand
        }
    }

    private static func parseSubject(_ tokens: ArraySlice<Token>) throws(ProtocolError) -> Command {
        let (subVerb, arguments) = try split(tokens, verb: "SUBJECT")
        switch subVerb {
        case "ADD":
            try expect(arguments, count: 1, action: "SUBJECT ADD")
            return .subjectAdd(argument(arguments, 0))
        case "LIST":
            try expect(arguments, count: 0...1, action: "SUBJECT LIST")
            return .subjectList(cursor: arguments.first?.text)
        case "SHRED":
            try expect(arguments, count: 1, action: "SUBJECT SHRED")
            return .subjectShred(argument(arguments, 0))
        default:
            throw .unknownCommand
        }
    }

    private static func parseToken(_ tokens: ArraySlice<Token>) throws(ProtocolError) -> Command {
        let (subVerb, arguments) = try split(tokens, verb: "TOKEN")
        switch subVerb {
        case "ISSUE":
            try expect(arguments, count: 1, action: "TOKEN ISSUE")
            return .tokenIssue(argument(arguments, 0))
        case "REVOKE":
            try expect(arguments, count: 1, action: "TOKEN REVOKE")
            return .tokenRevoke(argument(arguments, 0))
        default:
            throw .unknownCommand
        }
    }

    private static func parsePolicy(_ tokens: ArraySlice<Token>) throws(ProtocolError) -> Command {
        let (subVerb, arguments) = try split(tokens, verb: "POLICY")
        switch subVerb {
        case "GET":
            try expect(arguments, count: 0, action: "POLICY GET")
            return .policyGet
        case "SET":
            try expect(arguments, count: 2, action: "POLICY SET")
            return .policySet(name: argument(arguments, 0), value: argument(arguments, 1))
        default:
            throw .unknownCommand
        }
    }

    private static func parseRequest(_ tokens: ArraySlice<Token>) throws(ProtocolError) -> Command {
        let (subVerb, arguments) = try split(tokens, verb: "REQUEST")
        switch subVerb {
        case "ERASURE":
            try expect(arguments, count: 0, action: "REQUEST ERASURE")
            return .requestErasure
        case "LIST":
            try expect(arguments, count: 0, action: "REQUEST LIST")
            return .requestList
        default:
            throw .unknownCommand
        }
    }

    /// `DATA ROTATE` and `DATA STATUS`: the re-encryption job (an extension of the contract).
    private static func parseData(_ tokens: ArraySlice<Token>) throws(ProtocolError) -> Command {
        let (subVerb, arguments) = try split(tokens, verb: "DATA")
        switch subVerb {
        case "ROTATE":
            try expect(arguments, count: 0, action: "DATA ROTATE")
            return .dataRotate
        case "STATUS":
            try expect(arguments, count: 0, action: "DATA STATUS")
            return .dataStatus
        default:
            throw .unknownCommand
        }
    }

    /// `KEY ROTATE` and `MASTER ROTATE`: one sub-verb, no arguments.
    private static func parseSingleSubVerb(
        _ tokens: ArraySlice<Token>, verb: String, subVerb expected: String, command: Command
    ) throws(ProtocolError) -> Command {
        let (subVerb, arguments) = try split(tokens, verb: verb)
        guard subVerb == expected else {
            throw .unknownCommand
        }
        try expect(arguments, count: 0, action: "\(verb) \(expected)")
        return command
    }

    private static func parseSet(_ arguments: ArraySlice<Token>) throws(ProtocolError) -> Command {
        // A subject, then one or more field/value pairs: an odd count of at least three.
        guard arguments.count >= 3, arguments.count % 2 == 1 else {
            throw wrongArity("SET")
        }
        let subject = argument(arguments, 0)
        var pairs: [FieldValue] = []
        pairs.reserveCapacity(arguments.count / 2)
        var index = arguments.startIndex + 1
        while index < arguments.endIndex {
            pairs.append(FieldValue(field: arguments[index].text, value: arguments[index + 1].text))
            index += 2
        }
        return .set(subject: subject, pairs: pairs)
    }

    // MARK: Helpers

    /// Splits off the sub-verb of `verb`; a missing sub-verb is `SYNTAX`.
    private static func split(
        _ tokens: ArraySlice<Token>, verb: String
    ) throws(ProtocolError) -> (subVerb: String, arguments: ArraySlice<Token>) {
        guard let first = tokens.first else {
            throw .syntax("missing sub-command for \(verb)")
        }
        return (try keyword(first), tokens.dropFirst())
    }

    /// The upper-cased text of a verb or sub-verb atom, or `""` when it cannot be a keyword.
    ///
    /// Only pure-ASCII atoms qualify, and the comparison that follows is then byte-exact:
    /// `String ==` alone would use Unicode canonical equivalence and accept, say, a KELVIN
    /// SIGN (U+212A) for the K of `KEY`.
    private static func keyword(_ token: Token) throws(ProtocolError) -> String {
        guard case .atom(let text) = token else {
            throw .syntax("a command word must not be a quoted string")
        }
        let utf8 = text.utf8
        // The longest keyword has 7 bytes; anything longer is unknown without further work.
        guard utf8.count <= 8, utf8.allSatisfy({ $0 < 0x80 }) else {
            return ""
        }
        return String(unsafeUninitializedCapacity: utf8.count) { buffer in
            var count = 0
            for byte in utf8 {
                buffer[count] = (0x61...0x7A).contains(byte) ? byte - 0x20 : byte
                count += 1
            }
            return count
        }
    }

    /// The text of the argument at `offset` (counted from the first argument).
    private static func argument(_ arguments: ArraySlice<Token>, _ offset: Int) -> String {
        arguments[arguments.startIndex + offset].text
    }

    private static func expect(_ arguments: ArraySlice<Token>, count: Int, action: String) throws(ProtocolError) {
        guard arguments.count == count else {
            throw wrongArity(action)
        }
    }

    private static func expect(
        _ arguments: ArraySlice<Token>, count: ClosedRange<Int>, action: String
    ) throws(ProtocolError) {
        guard count.contains(arguments.count) else {
            throw wrongArity(action)
        }
    }

    private static func wrongArity(_ action: String) -> ProtocolError {
        .syntax("wrong number of arguments for \(action)")
    }
}
