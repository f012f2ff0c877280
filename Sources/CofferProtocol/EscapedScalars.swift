/// The Unicode scalars that never reach a reader raw: no reply line carries them (JSON strings
/// write them as `\uXXXX`, an `ERR` message turns them into spaces), and `coffer call` and
/// `coffer shell` escape any that a server sends anyway.
///
/// Each can change what a terminal or a log viewer shows without being seen itself:
/// - C0 controls and DEL (U+0000–U+001F, U+007F): ESC starts terminal control sequences, CR
///   and BS overwrite what came before;
/// - C1 controls (U+0080–U+009F): U+009B is a one-character CSI on terminals that honour
///   8-bit controls, U+0085 is a line break for some readers;
/// - the line and paragraph separators U+2028 and U+2029, line breaks for JavaScript and many
///   viewers;
/// - the bidirectional controls: embeddings and overrides U+202A–U+202E, isolates
///   U+2066–U+2069, and the implicit marks U+200E, U+200F and U+061C. An override makes
///   `"\u{202E}gpj.exe"` display as `exe.jpg`; a mark alone can move neighbouring text.
///
/// Left alone on purpose: zero-width characters (U+200B–U+200D, U+FEFF) and other format
/// characters. They can make two strings look alike but cannot move or hide other text; a
/// value is returned as stored, and escaping them would make ordinary text (emoji sequences
/// joined by U+200D) unreadable.
public enum EscapedScalars {
    /// True if `value` (a Unicode scalar value) is one of the scalars above.
    @inline(__always)
    public static func contains(_ value: UInt32) -> Bool {
        switch value {
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069:
            return true
        default:
            return false
        }
    }

    /// True if `scalar` is one of the scalars above.
    @inline(__always)
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        contains(scalar.value)
    }

    /// The length in bytes of the scalar that starts at `index` in valid UTF-8 `bytes` if it is
    /// one of the escaped scalars, with its value; nil otherwise (continuation bytes included).
    ///
    /// Only the lead bytes 0x00–0x1F, 0x7F, 0xC2 (U+0080–U+00BF), 0xD8 (U+0600–U+063F) and
    /// 0xE2 (U+2000–U+2FFF) can begin an escaped scalar, so ordinary text costs one comparison
    /// a byte.
    @inline(__always)
    static func match(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int)? {
        let lead = bytes[index]
        switch lead {
        case 0x00...0x1F, 0x7F:
            return (UInt32(lead), 1)
        case 0xC2, 0xD8:
            guard index + 1 < bytes.count else { return nil }
            let value = UInt32(lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
            return contains(value) ? (value, 2) : nil
        case 0xE2:
            guard index + 2 < bytes.count else { return nil }
            let value = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
            return contains(value) ? (value, 3) : nil
        default:
            return nil
        }
    }
}
