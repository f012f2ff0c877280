/// Builds request lines safely: the verb (and a sub-verb) stay atoms, every argument is sent
/// as a JSON string literal, so any value — spaces, quotes, control characters — arrives intact.
///
///     RequestLine.make(["SET", "alice@example.com", "phone", "+49 30 1234"])
///     // SET "alice@example.com" "phone" "+49 30 1234"
public enum RequestLine {
    /// Verbs whose second word is a sub-verb (`TENANT CREATE`), compared case-insensitively.
    public static let verbsWithSubVerb: Set<String> = ["TENANT", "SUBJECT", "TOKEN", "POLICY", "KEY", "MASTER", "REQUEST", "DATA"]

    /// Joins `words` into one request line (without the trailing LF).
    public static func make(_ words: [String]) -> String {
        guard let verb = words.first else { return "" }
        let atomCount = words.count >= 2 && verbsWithSubVerb.contains(verb.uppercased()) ? 2 : 1
        return words.enumerated()
            .map { index, word in index < atomCount ? word : quote(word) }
            .joined(separator: " ")
    }

    /// `text` as a JSON string literal (RFC 8259): `"` and `\` escaped, control characters
    /// (U+0000–U+001F and U+007F) written as escapes, everything else as UTF-8.
    public static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
