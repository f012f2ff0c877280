/// Splits one request line into tokens (CONTRACT.md §2).
public enum Lexer {
    /// Tokenizes `line`: the bytes of one request WITHOUT its trailing LF. One CR at the very
    /// end (the one that stood before the LF) is ignored; a CR anywhere else is a control byte.
    ///
    /// Returns `[]` for a blank line (empty, only spaces, or only the final CR). Throws a
    /// `.syntax` error for invalid UTF-8, a raw control byte, or a malformed, unterminated or
    /// glued string. The error message never contains bytes of the line.
    public static func tokenize(_ line: some Collection<UInt8>) throws(ProtocolError) -> [Token] {
        // Work on contiguous memory; copy only collections that cannot offer it.
        let outcome: Result<[Token], ProtocolError>? = line.withContiguousStorageIfAvailable { buffer in
            tokenizeCapturingError(buffer)
        }
        if let outcome {
            return try outcome.get()
        }
        let copy = Array(line)
        return try copy.withUnsafeBufferPointer { tokenizeCapturingError($0) }.get()
    }

    /// Bridges the typed error across the untyped `rethrows` of the buffer accessors.
    private static func tokenizeCapturingError(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<[Token], ProtocolError> {
        do throws(ProtocolError) {
            var lexer = LineLexer(bytes: buffer)
            return .success(try lexer.tokens())
        } catch {
            return .failure(error)
        }
    }
}
