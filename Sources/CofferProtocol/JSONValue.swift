/// A JSON value for replies, encoded compactly per RFC 8259.
///
/// Objects are ordered lists of members and keep insertion order on the wire, so replies
/// read in the order the contract shows them. Deliberately not `CustomStringConvertible`:
/// a reply value may hold personal data and must not slip into a log by interpolation.
public indirect enum JSONValue: Sendable, Equatable {
    /// A string; every character is representable (escapes are added on encoding).
    case string(String)
    /// An integer.
    case int(Int)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array.
    case array([JSONValue])
    /// An object whose members keep the given order. Duplicate keys are the caller's mistake.
    case object([(String, JSONValue)])

    /// The compact encoding: no insignificant whitespace, no raw control character.
    public func encoded() -> String {
        var bytes: [UInt8] = []
        encode(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the compact UTF-8 encoding to `output`.
    public func encode(into output: inout [UInt8]) {
        switch self {
        case .string(let text):
            JSONStringEscaper.appendLiteral(text, to: &output)
        case .int(let number):
            output.append(contentsOf: String(number).utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .null:
            output.append(contentsOf: "null".utf8)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 {
                    output.append(UInt8(ascii: ","))
                }
                element.encode(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 {
                    output.append(UInt8(ascii: ","))
                }
                JSONStringEscaper.appendLiteral(member.0, to: &output)
                output.append(UInt8(ascii: ":"))
                member.1.encode(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Structural equality. Strings and keys compare byte for byte (no Unicode
    /// normalization, as the contract compares names), and member order matters because
    /// it is visible on the wire.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)):
            return a.utf8.elementsEqual(b.utf8)
        case let (.int(a), .int(b)):
            return a == b
        case let (.bool(a), .bool(b)):
            return a == b
        case (.null, .null):
            return true
        case let (.array(a), .array(b)):
            return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { left, right in
                left.0.utf8.elementsEqual(right.0.utf8) && left.1 == right.1
            }
        default:
            return false
        }
    }
}
