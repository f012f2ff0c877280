/// A failure to lex or parse a request line.
///
/// `code` is `.syntax` or `.unknownCommand`. `message` is short human text that never
/// echoes client bytes (no argument, no unknown verb): it may only name a known verb,
/// so it is safe to put in a reply or a log line.
public struct ProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The contract error code to answer with.
    public let code: ErrorCode
    /// Human-readable explanation, free of client data.
    public let message: String

    /// Creates an error; callers must pass a message that contains no client data.
    public init(code: ErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    /// `CODE message`, as it would appear after `ERR` on the wire.
    public var description: String { "\(code.rawValue) \(message)" }

    static func syntax(_ message: String) -> ProtocolError {
        ProtocolError(code: .syntax, message: message)
    }

    static let unknownCommand = ProtocolError(code: .unknownCommand, message: "unknown command")

    // Lexing failures. Fixed texts: none of them may ever include line bytes.
    static let invalidUTF8 = syntax("invalid UTF-8")
    static let controlByte = syntax("control byte in line")
    static let unterminatedString = syntax("unterminated string")
    static let invalidEscape = syntax("invalid escape in string")
    static let loneSurrogate = syntax("lone surrogate in string")
    static let gluedString = syntax("string glued to other bytes")
}
