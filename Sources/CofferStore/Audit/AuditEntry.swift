/// One record of a tenant's audit trail, as `AUDIT` shows it to that tenant's administrator.
public struct AuditEntry: Sendable, Equatable {
    /// The record's position in the service-wide chain.
    public let seq: Int64
    /// When it was recorded, in seconds since 1970 (UTC).
    public let time: Int64
    /// The actor's role: `tenant` or `subject`.
    public let actor: String
    /// The verb and sub-verb: `SET`, `SUBJECT SHRED`.
    public let action: String
    /// `ok` or the error code the command was answered with.
    public let result: String
    /// The subject the command was about, if any.
    public let subject: String?
    /// The field names the command was about (empty if none).
    public let fields: [String]
    /// For a subject's own command: which subject sent it.
    public let actorSubject: String?

    /// The record time in RFC 3339, UTC.
    public var timeText: String { RFC3339.utc(time) }
}
