/// A data subject's pending request to be erased, as `REQUEST LIST` shows it.
public struct ErasureRequest: Sendable, Equatable {
    /// The subject identifier (stored only sealed; decrypted for its tenant's administrator).
    public let subject: String
    /// When the subject first asked, in seconds since 1970 (UTC).
    public let requestedAt: Int64

    /// The request time in RFC 3339, UTC (`2026-11-29T10:00:00Z`).
    public var time: String { RFC3339.utc(requestedAt) }
}
