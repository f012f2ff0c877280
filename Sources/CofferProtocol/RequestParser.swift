/// One-stop parsing of a request line: tokenize, then parse.
public enum RequestParser {
    /// Parses one request line (its bytes WITHOUT the trailing LF; a final CR is ignored).
    ///
    /// Returns nil for a blank line, which gets no reply. Lexing errors (`SYNTAX`) win over
    /// an unknown command, which wins over a wrong argument count (`SYNTAX`), as the
    /// contract orders them. The line-length limit (`TOO_LONG`) is the reader's job.
    public static func parse(line: some Collection<UInt8>) throws(ProtocolError) -> Command? {
        let tokens = try Lexer.tokenize(line)
        if tokens.isEmpty {
            return nil
        }
        return try CommandParser.parse(tokens)
    }
}
