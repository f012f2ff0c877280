/// A failure to set up listening, with the system's reason,
/// e.g. "cannot bind 127.0.0.1:7443: Address already in use".
public struct NetworkError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What was attempted, e.g. "cannot bind 127.0.0.1:7443".
    public let operation: String
    /// Why it failed (the `strerror` or `gai_strerror` text, or a rule that was broken).
    public let reason: String

    /// Creates an error from its parts.
    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "\(operation): \(reason)" }
}
