/// Writes JSON string literals (RFC 8259 §7).
///
/// `"` and `\` are escaped, as is every control character (U+0000–U+001F with the short
/// escapes where JSON has one, else `\u00XX`; U+007F as `\u007f` too, so no reply ever
/// carries a raw control byte). Everything else, non-ASCII included, is copied as UTF-8.
enum JSONStringEscaper {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `text` as a quoted, escaped JSON string literal.
    static func appendLiteral(_ text: String, to output: inout [UInt8]) {
        output.append(ASCII.quote)
        var text = text
        // Native strings are contiguous UTF-8; `withUTF8` makes the loop a plain byte scan.
        text.withUTF8 { bytes in
            var verbatimStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == ASCII.quote || byte == ASCII.backslash || byte == ASCII.delete else {
                    continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[verbatimStart..<index]))
                appendEscape(for: byte, to: &output)
                verbatimStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[verbatimStart...]))
        }
        output.append(ASCII.quote)
    }

    private static func appendEscape(for byte: UInt8, to output: inout [UInt8]) {
        output.append(ASCII.backslash)
        switch byte {
        case ASCII.quote: output.append(ASCII.quote)
        case ASCII.backslash: output.append(ASCII.backslash)
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        default:
            output.append(contentsOf: "u00".utf8)
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        }
    }
}
