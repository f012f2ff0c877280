/// Who a token belongs to.
public enum Principal: Sendable, Equatable {
    /// The service operator: manages tenants and the master key, never reads personal data.
    case `operator`
    /// A tenant's administrator.
    case tenant(String)
    /// A data subject of a tenant.
    case subject(tenant: String, subject: String)
}
