/// One command as the audit trail records it, before its result is known.
///
/// The server builds it from the session's principal and the parsed command. It names the
/// subject and the fields involved but never a value or a token; the engine seals the subject
/// and field names under the actor's tenant's audit key, and keeps only a keyed hash of the actor.
public struct AuditEvent: Sendable {
    /// Who sent the command; nil for an anonymous session (a failed `AUTH`).
    public var actor: Principal?
    /// The verb in upper case with its sub-verb: `SET`, `TENANT SHRED`.
    public var action: String
    /// The tenant an operator command is about (`TENANT CREATE`, `TENANT SHRED`). Records of a
    /// tenant's own administrator and subjects name their tenant without it.
    public var tenant: String?
    /// The subject the command is about, if any (sealed in the record).
    public var subject: String?
    /// The field names the command is about (sealed in the record).
    public var fields: [String]

    /// An event for `action` by `actor`, naming what it is about (all optional).
    public init(actor: Principal?, action: String, tenant: String? = nil, subject: String? = nil, fields: [String] = []) {
        self.actor = actor
        self.action = action
        self.tenant = tenant
        self.subject = subject
        self.fields = fields
    }

    /// The audit result of a success.
    public static let ok = "ok"
}
