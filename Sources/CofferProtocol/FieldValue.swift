/// One `<field> <value>` pair of a `SET` request, not yet validated.
public struct FieldValue: Sendable, Equatable {
    /// The field name as sent.
    public let field: String
    /// The value as sent.
    public let value: String

    /// Creates a pair.
    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }
}
