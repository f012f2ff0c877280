/// Writes JSON string literals (RFC 8259 §7).
///
/// `"` and `\` are escaped, as is every scalar of `EscapedScalars`: the C0 controls with the
/// short escapes where JSON has one, the rest (DEL, C1 controls, U+2028/U+2029, bidirectional
/// controls) as `\uXXXX`, so no reply ever carries one raw. Everything else, non-ASCII
/// included, is copied as UTF-8. A JSON decoder gets back exactly the original text.
enum JSONStringEscaper {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `text` as a quoted, escaped JSON string literal.
    static func appendLiteral(_ text: String, to output: inout [UInt8]) {
        output.append(ASCII.quote)
        var text = text
        // Native strings are contiguous UTF-8; `withUTF8` makes the loop a plain byte scan.
        text.withUTF8 { bytes in
            var verbatimStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == ASCII.quote || byte == ASCII.backslash {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[verbatimStart..<index]))
                    output.append(ASCII.backslash)
                    output.append(byte)
                    index += 1
                    verbatimStart = index
                } else if let (value, length) = EscapedScalars.match(in: bytes, at: index) {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[verbatimStart..<index]))
                    appendEscape(for: value, to: &output)
                    index += length
                    verbatimStart = index
                } else {
                    index += 1
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[verbatimStart...]))
        }
        output.append(ASCII.quote)
    }

    /// Appends the escape of a scalar of `EscapedScalars` (all lie in the Basic Multilingual Plane).
    private static func appendEscape(for value: UInt32, to output: inout [UInt8]) {
        output.append(ASCII.backslash)
        switch value {
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        default:
            output.append(UInt8(ascii: "u"))
            for shift in stride(from: 12, through: 0, by: -4) {
                output.append(hexDigits[Int((value >> UInt32(shift)) & 0x0F)])
            }
        }
    }
}
