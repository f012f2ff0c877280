/// The first thing wrong with an audit trail: which record, and why.
public struct AuditProblem: Sendable, Equatable, CustomStringConvertible {
    /// The sequence number of the first bad (or first missing) record.
    public let seq: Int64
    /// What is wrong, for a person. Names no subject, value or token.
    public let reason: String

    /// The first bad record's number and the reason, as `coffer audit verify` prints it.
    public var description: String { "first bad record: \(seq): \(reason)" }
}
