import CofferClient

extension E2EClient {
    /// As the operator (this client): `TENANT CREATE name`, then the tenant's own claim with the
    /// enrollment token on a new connection from `connect` (`TENANT CLAIM` and a first `AUTH`
    /// with the claimed token, which activates it). Returns the administrator token.
    func createClaimedTenant(_ name: String, connect: () throws -> E2EClient) throws -> String {
        let reply = try request(words: ["TENANT", "CREATE", name])
        guard let enrollment = try E2EJSON.parse(okReply: reply)["enrollment"]?.stringValue else {
            throw E2EFailure("TENANT CREATE answered no enrollment token: \(E2EClient.redacted(reply))")
        }
        let tenant = try connect()
        defer { tenant.close() }
        return try TenantClaim.claim(enrollmentToken: enrollment, on: tenant.connection)
    }
}
