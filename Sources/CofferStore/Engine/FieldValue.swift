/// A field name and its plaintext value.
public struct FieldValue: Sendable, Equatable {
    public let field: String
    public let value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }
}
