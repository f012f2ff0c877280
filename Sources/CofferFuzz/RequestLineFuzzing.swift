import CofferProtocol

/// Fuzzes one request line (the bytes before the LF) through the lexer and the parser.
///
/// Beyond "does not crash", each input is checked against oracles that do not share the
/// lexer's code: the standard library's UTF-8 validation, a naive space split for lines
/// without quotes, a JSON re-encoding round trip, and the contract's rules for reply lines.
enum RequestLineFuzzing {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let lexed: [Token]
        do {
            lexed = try Lexer.tokenize(bytes)
        } catch {
            FuzzInvariant.require(error.code == .syntax, "a lexing failure is SYNTAX")
            checkReply(Reply(error))
            checkRefusalIsJustified(bytes)
            return
        }
        checkAcceptedLine(bytes, tokens: lexed)
        checkRoundTrip(lexed)
        do {
            let command = try RequestParser.parse(line: bytes)
            FuzzInvariant.require((command == nil) == lexed.isEmpty, "only a blank line parses to nothing")
        } catch {
            FuzzInvariant.require(error.code == .syntax || error.code == .unknownCommand,
                                  "a parse failure is SYNTAX or UNKNOWN_COMMAND")
            FuzzInvariant.require(!lexed.isEmpty, "a blank line is never an error")
            checkReply(Reply(error))
        }
    }

    /// The line without the one CR that may stand at its end.
    private static func content(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if let last = bytes.last, last == 0x0D {
            return UnsafeBufferPointer(rebasing: bytes.dropLast())
        }
        return bytes
    }

    private static func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }

    /// An accepted line is valid UTF-8 with no control byte, and when it holds no quote its
    /// tokens are exactly its space-separated words.
    private static func checkAcceptedLine(_ bytes: UnsafeBufferPointer<UInt8>, tokens: [Token]) {
        let line = content(bytes)
        FuzzInvariant.require(String(validating: line, as: UTF8.self) != nil, "an accepted line is valid UTF-8")
        FuzzInvariant.require(!line.contains(where: isControl), "an accepted line has no raw control byte")
        guard !line.contains(0x22) else { return }
        let words = line.split(separator: 0x20).map { Array($0) }
        FuzzInvariant.require(words.count == tokens.count, "without quotes, tokens are the space-separated words")
        for (word, token) in zip(words, tokens) {
            guard case .atom(let text) = token else {
                FuzzInvariant.require(false, "without quotes, every token is an atom")
                return
            }
            FuzzInvariant.require(Array(text.utf8) == word, "an atom keeps its bytes")
        }
    }

    /// A refused line really breaks a rule: it is not both valid UTF-8, control-free and quote-free.
    private static func checkRefusalIsJustified(_ bytes: UnsafeBufferPointer<UInt8>) {
        let line = content(bytes)
        let plain = String(validating: line, as: UTF8.self) != nil
            && !line.contains(where: isControl) && !line.contains(0x22)
        FuzzInvariant.require(!plain, "a valid, control-free line without quotes is never refused")
    }

    /// Writing every token as a JSON string and lexing again yields the same texts, byte for byte.
    private static func checkRoundTrip(_ tokens: [Token]) {
        var line: [UInt8] = []
        for (index, token) in tokens.enumerated() {
            if index > 0 { line.append(0x20) }
            JSONValue.string(token.text).encode(into: &line)
        }
        let again: [Token]
        do {
            again = try Lexer.tokenize(line)
        } catch {
            FuzzInvariant.require(false, "a line of JSON-encoded tokens always lexes")
            return
        }
        FuzzInvariant.require(again.count == tokens.count, "the round trip keeps the token count")
        for (before, after) in zip(tokens, again) {
            FuzzInvariant.require(Array(before.text.utf8) == Array(after.text.utf8), "the round trip keeps every byte")
        }
    }

    /// A reply line obeys CONTRACT.md §3: no CR, one LF at the very end, a non-empty message.
    private static func checkReply(_ reply: Reply) {
        let wire = reply.wire
        FuzzInvariant.require(!wire.contains(0x0D), "a reply has no CR")
        FuzzInvariant.require(wire.last == 0x0A && wire.firstIndex(of: 0x0A) == wire.count - 1, "a reply is one line")
        FuzzInvariant.require(wire.count > "ERR SYNTAX ".utf8.count, "an ERR reply carries a message")
    }
}
