/// The byte-level scanner behind `Lexer`: one forward pass that validates UTF-8, refuses
/// control bytes and splits tokens at the same time, touching each byte once.
struct LineLexer {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// One past the last byte that belongs to the line (a final CR excluded).
    private let end: Int
    private var position = 0
    /// Holds the decoded bytes of a string with escapes; reused across the line's tokens.
    private var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        var end = bytes.count
        if end > 0, bytes[end - 1] == ASCII.carriageReturn {
            end -= 1
        }
        self.end = end
    }

    /// All tokens of the line, or the first lexing error.
    mutating func tokens() throws(ProtocolError) -> [Token] {
        var tokens: [Token] = []
        while true {
            while position < end, bytes[position] == ASCII.space {
                position += 1
            }
            if position == end {
                return tokens
            }
            if bytes[position] == ASCII.quote {
                tokens.append(.string(try scanString()))
                // A string must be followed by a space or the end of the line.
                if position < end, bytes[position] != ASCII.space {
                    throw .gluedString
                }
            } else {
                tokens.append(.atom(try scanAtom()))
            }
        }
    }

    /// Scans an atom starting at `position`, up to the next space or the end of the line.
    private mutating func scanAtom() throws(ProtocolError) -> String {
        let start = position
        while position < end {
            let byte = bytes[position]
            if byte == ASCII.space {
                break
            } else if byte == ASCII.quote {
                throw .gluedString
            } else if byte < 0x80 {
                if ASCII.isControl(byte) {
                    throw .controlByte
                }
                position += 1
            } else {
                position += try multiByteLength()
            }
        }
        return text(start..<position)
    }

    /// Scans a JSON string literal whose opening quote is at `position`; leaves `position`
    /// just past the closing quote.
    private mutating func scanString() throws(ProtocolError) -> String {
        position += 1
        let contentStart = position
        // Bytes from here up to `position` are copied verbatim once an escape has been seen.
        var verbatimStart = position
        var sawEscape = false
        while position < end {
            let byte = bytes[position]
            if byte == ASCII.quote {
                let contentEnd = position
                position += 1
                guard sawEscape else {
                    return text(contentStart..<contentEnd)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[verbatimStart..<contentEnd]))
                return String(decoding: scratch, as: UTF8.self)
            } else if byte == ASCII.backslash {
                if !sawEscape {
                    sawEscape = true
                    scratch.removeAll(keepingCapacity: true)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[verbatimStart..<position]))
                try decodeEscape()
                verbatimStart = position
            } else if byte < 0x80 {
                if ASCII.isControl(byte) {
                    throw .controlByte
                }
                position += 1
            } else {
                position += try multiByteLength()
            }
        }
        throw .unterminatedString
    }

    /// Decodes the escape whose backslash is at `position` into `scratch`; leaves `position`
    /// just past it.
    private mutating func decodeEscape() throws(ProtocolError) {
        let escapeIndex = position + 1
        guard escapeIndex < end else {
            throw .unterminatedString
        }
        let decoded: UInt8
        switch bytes[escapeIndex] {
        case ASCII.quote: decoded = ASCII.quote
        case ASCII.backslash: decoded = ASCII.backslash
        case ASCII.slash: decoded = ASCII.slash
        case UInt8(ascii: "b"): decoded = 0x08
        case UInt8(ascii: "f"): decoded = 0x0C
        case UInt8(ascii: "n"): decoded = 0x0A
        case UInt8(ascii: "r"): decoded = 0x0D
        case UInt8(ascii: "t"): decoded = 0x09
        case UInt8(ascii: "u"):
            try decodeUnicodeEscape()
            return
        default:
            throw .invalidEscape
        }
        scratch.append(decoded)
        position = escapeIndex + 1
    }

    /// Decodes `\uXXXX`, or a `\uXXXX\uXXXX` surrogate pair, starting at `position`.
    private mutating func decodeUnicodeEscape() throws(ProtocolError) {
        let first = try hexQuad(at: position + 2)
        var scalarValue = first
        var length = 6
        switch first {
        case 0xD800...0xDBFF:
            // A high surrogate must be followed at once by an escaped low surrogate.
            let next = position + 6
            guard next + 1 < end, bytes[next] == ASCII.backslash, bytes[next + 1] == UInt8(ascii: "u") else {
                throw .loneSurrogate
            }
            let second = try hexQuad(at: next + 2)
            guard (0xDC00...0xDFFF).contains(second) else {
                throw .loneSurrogate
            }
            scalarValue = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            length = 12
        case 0xDC00...0xDFFF:
            throw .loneSurrogate
        default:
            break
        }
        appendUTF8(scalarValue)
        position += length
    }

    /// The value of the four hex digits at `index`.
    private func hexQuad(at index: Int) throws(ProtocolError) -> UInt32 {
        guard index + 4 <= end else {
            throw .invalidEscape
        }
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = ASCII.hexValue(bytes[index + offset]) else {
                throw .invalidEscape
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Appends the UTF-8 encoding of a scalar value that is known not to be a surrogate.
    private mutating func appendUTF8(_ value: UInt32) {
        switch value {
        case 0..<0x80:
            scratch.append(UInt8(value))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | value >> 6))
            scratch.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | value >> 12))
            scratch.append(UInt8(0x80 | value >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | value & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | value >> 18))
            scratch.append(UInt8(0x80 | value >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | value >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | value & 0x3F))
        }
    }

    /// The length of the valid multi-byte UTF-8 sequence at `position`.
    private func multiByteLength() throws(ProtocolError) -> Int {
        guard let length = UTF8Validation.sequenceLength(in: bytes, at: position, end: end) else {
            throw .invalidUTF8
        }
        return length
    }

    /// The text of already validated bytes.
    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
