/// A reply line (CONTRACT.md §3).
public enum Reply: Sendable, Equatable {
    /// `OK`
    case ok
    /// `OK <json>`
    case okValue(JSONValue)
    /// `ERR <CODE> <message>`; the message must hold no personal data, value or token.
    case error(ErrorCode, String)

    /// The reply for a failed parse.
    public init(_ error: ProtocolError) {
        self = .error(error.code, error.message)
    }

    /// The wire bytes, ending in one LF.
    ///
    /// Guarantees: no CR anywhere, no LF before the final one, and no other scalar of
    /// `EscapedScalars` raw (JSON strings escape them; an `ERR` message has them replaced by
    /// spaces); an `ERR` always carries a non-empty message (the code's `defaultMessage`
    /// stands in for a blank one).
    public var wire: [UInt8] {
        var output: [UInt8] = []
        switch self {
        case .ok:
            output.append(contentsOf: "OK".utf8)
        case .okValue(let value):
            output.append(contentsOf: "OK ".utf8)
            value.encode(into: &output)
        case .error(let code, let message):
            output.append(contentsOf: "ERR ".utf8)
            output.append(contentsOf: code.rawValue.utf8)
            output.append(ASCII.space)
            output.append(contentsOf: Reply.sanitized(message, code: code).utf8)
        }
        output.append(0x0A)
        return output
    }

    /// `message` on one line: every scalar of `EscapedScalars` becomes a space, outer
    /// spaces are trimmed, and a message left empty is replaced by the code's default.
    static func sanitized(_ message: String, code: ErrorCode) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in message.unicodeScalars {
            scalars.append(EscapedScalars.contains(scalar) ? " " : scalar)
        }
        let text = String(scalars)
        guard let first = text.firstIndex(where: { $0 != " " }),
              let last = text.lastIndex(where: { $0 != " " }) else {
            return code.defaultMessage
        }
        return String(text[first...last])
    }
}
