/// A keyring credential: what a token digest stands for (the `credentials` table).
///
/// Subject tokens are not credentials: they live in the subject's own vault row, so that a
/// subject shred removes them with everything else.
struct Credential: Sendable, Equatable {
    enum Role: String, Sendable {
        /// The operator's token (`keys/operator.token`).
        case `operator`
        /// The one-time token of an unclaimed tenant (`TENANT CREATE`, `TENANT ENROLL`).
        case enrollment
        /// A tenant administrator's token (`TENANT CLAIM`, `ADMIN ROTATE`).
        case tenant
    }

    let role: Role
    /// A new token that replaces the others of its kind at its first successful `AUTH`.
    let pending: Bool
    /// The tenant it belongs to; nil for the operator.
    let tenantID: Int64?
    /// Seconds since 1970 after which it no longer works; nil: never.
    let expiresAt: Int64?

    func isExpired(at now: Int64) -> Bool {
        expiresAt.map { $0 <= now } ?? false
    }
}
