import CofferCrypto

extension VaultCore {
    /// The keyed digest under which a token is stored and looked up.
    ///
    /// Lookup is by digest, so no stored token is ever compared byte by byte with the input.
    /// The token key serves no other purpose, so the message is the token itself.
    func tokenDigest(_ token: some ContiguousByteSource) throws -> [UInt8] {
        try tokenKey.authenticate(token)
    }

    /// Who the token digest belongs to, or nil for an unknown, revoked or replaced token.
    func principal(forDigest digest: [UInt8]) throws -> Principal? {
        if let operatorDigest = keyState.operatorTokenDigest, ConstantTime.equals(operatorDigest, digest) { return .operator }
        if let name = try keyring.row("SELECT name FROM tenants WHERE admin_token = ?", digest)?.text(0) {
            return .tenant(name)
        }
        guard let row = try vault.row("SELECT tenant_id, sealed_name, lookup FROM subjects WHERE token = ?", digest),
              let tenantID = row.int64(0), let sealed = row.blob(1), let lookup = row.blob(2),
              let tenantName = try tenantName(id: tenantID) else { return nil }
        let tenant = try tenant(tenantName).keys
        return .subject(tenant: tenantName, subject: try openSubjectName(sealed, lookup: lookup, of: tenant))
    }

    /// Issues a new token for the subject, replacing any earlier one.
    func issueToken(subject: String, tenant name: String) throws -> String {
        let tenant = try tenant(name).keys
        let id = try requireSubject(subject, of: tenant)
        let token = try TokenFormat.generate()
        try vault.run("UPDATE subjects SET token = ? WHERE id = ?", try tokenDigest(Array(token.utf8)), id)
        return token
    }

    func revokeToken(subject: String, tenant name: String) throws {
        let tenant = try tenant(name).keys
        let id = try requireSubject(subject, of: tenant)
        try vault.run("UPDATE subjects SET token = NULL WHERE id = ?", id)
    }
}
