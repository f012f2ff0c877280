import CofferProtocol

/// A reply line as `coffer call`, `coffer shell` and `coffer rotate` print it: every scalar of
/// `EscapedScalars` (C0 and C1 controls, DEL, U+2028/U+2029, bidirectional controls) written
/// as `\uXXXX`.
///
/// A Coffer server already escapes these in its JSON and blanks them in `ERR` messages, but the
/// client does not rely on that: an older or a hostile server (or anything in between that
/// holds the server's certificate) could send a raw ESC that clears the screen, rewrites an
/// earlier line or retitles the window, or a bidirectional override that makes a value read
/// backwards. Inside a JSON string the escape means the same text, so printed `OK` replies
/// stay valid JSON with the same values.
enum ReplyDisplay {
    private static let hexDigits = Array("0123456789abcdef".unicodeScalars)

    /// `reply` with each escaped scalar written as `\u` and four lower-case hex digits.
    static func text(_ reply: String) -> String {
        guard reply.unicodeScalars.contains(where: EscapedScalars.contains) else { return reply }
        var output = String.UnicodeScalarView()
        for scalar in reply.unicodeScalars {
            guard EscapedScalars.contains(scalar) else {
                output.append(scalar)
                continue
            }
            output.append(contentsOf: "\\u".unicodeScalars)
            for shift in stride(from: 12, through: 0, by: -4) {
                output.append(hexDigits[Int((scalar.value >> UInt32(shift)) & 0x0F)])
            }
        }
        return String(output)
    }
}
