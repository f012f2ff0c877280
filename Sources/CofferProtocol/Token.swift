/// A lexical token of a request line. Atoms and strings both carry their decoded text.
///
/// The distinction matters only for verbs and sub-verbs, which must be atoms; as arguments
/// `foo` and `"foo"` are the same. The synthesized `==` uses `String` equality (Unicode
/// canonical equivalence), not byte equality.
public enum Token: Sendable, Equatable {
    /// A bare word: one or more bytes, none a space, a quote or a control byte.
    case atom(String)
    /// A JSON string literal, with its escapes decoded.
    case string(String)

    /// The decoded text, whichever kind of token this is.
    public var text: String {
        switch self {
        case .atom(let text), .string(let text): return text
        }
    }
}
