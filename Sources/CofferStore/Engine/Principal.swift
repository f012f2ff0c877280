/// Who a token belongs to.
///
/// A session keeps the ids of its tenant and subject, not only their names: names are reused
/// after a shred, ids never are, so a session of a shredded tenant can never reach a new tenant
/// of the same name, whatever else goes wrong.
public enum Principal: Sendable, Equatable {
    /// The service operator: manages tenants and the master key, never reads personal data.
    case `operator`
    /// The holder of an unclaimed tenant's enrollment token: can only claim it.
    case enrollment(TenantRef)
    /// A tenant's administrator.
    case tenant(TenantRef)
    /// A data subject of a tenant; `subjectID` is its row id (nil only in tests and benchmarks).
    case subject(tenant: TenantRef, subject: String, subjectID: Int64? = nil)

    /// The role's name as the protocol and the audit trail write it.
    public var role: String {
        switch self {
        case .operator: return "operator"
        case .enrollment: return "enrollment"
        case .tenant: return "tenant"
        case .subject: return "subject"
        }
    }

    /// The tenant the principal belongs to; nil for the operator.
    public var tenant: TenantRef? {
        switch self {
        case .operator: return nil
        case .enrollment(let tenant), .tenant(let tenant), .subject(let tenant, _, _): return tenant
        }
    }
}
