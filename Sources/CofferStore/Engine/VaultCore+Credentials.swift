import CofferCrypto

/// Tokens: looked up by keyed digest, checked against their authority MAC, and replaced the
/// protocol 2 way — a new token is pending until its first successful `AUTH`, which retires the
/// tokens it replaces, so a reply lost on the way never locks anyone out.
extension VaultCore {
    /// What a token digest authenticates as, and whether it is a pending token that its first
    /// `AUTH` must activate (a write, `activateCredential`).
    struct TokenMatch: Sendable {
        let principal: Principal
        let pending: Bool
    }

    /// The keyed digest under which a token is stored and looked up.
    ///
    /// Lookup is by digest, so no stored token is ever compared byte by byte with the input.
    /// The token key serves no other purpose, so the message is the token itself.
    func tokenDigest(_ token: some ContiguousByteSource) throws -> [UInt8] {
        try tokenKey.authenticate(token)
    }

    /// Who holds the token with this digest now; nil for an unknown, revoked, replaced, expired
    /// or tampered-with token.
    func lookUpToken(digest: [UInt8]) throws -> TokenMatch? {
        do {
            if let credential = try credential(digest: digest) {
                guard !credential.isExpired(at: Self.now()), let principal = try principal(for: credential) else { return nil }
                return TokenMatch(principal: principal, pending: credential.pending)
            }
            return try subjectPrincipal(digest: digest).map { TokenMatch(principal: $0, pending: false) }
        } catch VaultError.notFound {
            return nil  // its tenant was shredded between the two lookups: the token is dead, not NOT_FOUND
        }
    }

    /// The credential row of a digest, once its authority MAC is checked; a row whose MAC does
    /// not match was written outside Coffer and is refused (and logged, without the digest).
    func credential(digest: [UInt8]) throws -> Credential? {
        guard let row = try keyring.row("SELECT role, pending, tenant_id, expires_at, authority FROM credentials WHERE digest = ?", digest),
              let role = row.text(0).flatMap(Credential.Role.init(rawValue:)), let stored = row.blob(4) else { return nil }
        let credential = Credential(role: role, pending: row.int64(1) == 1, tenantID: row.int64(2), expiresAt: row.int64(3))
        guard ConstantTime.equals(stored, try credentialAuthority(credential, digest: digest)) else {
            ServiceLog.warning("a \(role.rawValue) credential's authority MAC does not match (changed outside Coffer): refused")
            return nil
        }
        return credential
    }

    private func principal(for credential: Credential) throws -> Principal? {
        guard let tenantID = credential.tenantID else { return credential.role == .operator ? .operator : nil }
        guard let name = try tenantName(id: tenantID) else { return nil }
        let entry = try tenant(name)
        let ref = TenantRef(name, id: tenantID)
        switch credential.role {
        case .operator: return nil
        case .enrollment: return entry.claimed ? nil : .enrollment(ref)
        case .tenant: return .tenant(ref)
        }
    }

    /// A subject token: its digest sits in the subject's row with a MAC binding it to that row.
    private func subjectPrincipal(digest: [UInt8]) throws -> Principal? {
        guard let row = try vault.row("SELECT tenant_id, id, sealed_name, lookup, token_authority FROM subjects WHERE token = ?", digest),
              let tenantID = row.int64(0), let subjectID = row.int64(1), let sealed = row.blob(2), let lookup = row.blob(3),
              let tenantName = try tenantName(id: tenantID) else { return nil }
        guard let stored = row.blob(4),
              ConstantTime.equals(stored, try subjectTokenAuthority(tenant: tenantID, subject: subjectID, digest: digest)) else {
            ServiceLog.warning("a subject token's authority MAC does not match (changed outside Coffer): refused")
            return nil
        }
        let tenant = try tenant(tenantName).keys
        return .subject(tenant: TenantRef(tenantName, id: tenantID),
                        subject: try openSubjectName(sealed, lookup: lookup, of: tenant), subjectID: subjectID)
    }

    // MARK: Writing credentials (writer only)

    /// Generates a token, stores its credential, and returns the token (shown once).
    func insertCredential(_ credential: Credential) throws -> String {
        let token = try TokenFormat.generate()
        let digest = try tokenDigest(Array(token.utf8))
        try keyring.run("""
            INSERT INTO credentials (digest, role, pending, tenant_id, expires_at, authority) VALUES (?, ?, ?, ?, ?, ?)
            """, digest, credential.role.rawValue, credential.pending ? 1 : 0, credential.tenantID, credential.expiresAt,
            try credentialAuthority(credential, digest: digest))
        return token
    }

    /// A pending token's first successful `AUTH`: it becomes the one token of its kind — the
    /// tokens it replaces (for a tenant also the enrollment token) stop working, and a tenant
    /// counts as claimed. Nil when it no longer authenticates (replaced or expired meanwhile).
    func activateCredential(digest: [UInt8]) throws -> Principal? {
        guard let credential = try credential(digest: digest), !credential.isExpired(at: Self.now()) else { return nil }
        guard credential.pending else { return try principal(for: credential) }
        let active = Credential(role: credential.role, pending: false, tenantID: credential.tenantID, expiresAt: nil)
        let claimedTenant: String? = try keyring.transaction {
            var claimed: String?
            if let tenantID = credential.tenantID {
                try keyring.run("DELETE FROM credentials WHERE tenant_id = ? AND digest <> ?", tenantID, digest)
                if let name = try tenantName(id: tenantID) {
                    let entry = try tenant(name)
                    if !entry.claimed {
                        try updateTenantRow(id: tenantID, name: name, subjectSelfEdit: entry.subjectSelfEdit, claimed: true)
                        claimed = name
                    }
                }
            } else {
                try keyring.run("DELETE FROM credentials WHERE role = 'operator' AND digest <> ?", digest)
            }
            try keyring.run("UPDATE credentials SET pending = 0, expires_at = NULL, authority = ? WHERE digest = ?",
                            try credentialAuthority(active, digest: digest), digest)
            return claimed
        }
        if let claimedTenant { keyState.forgetTenant(claimedTenant) }  // after the commit (see `updateTenantRow`)
        truncateWAL(of: keyring)  // the retired digests leave the WAL too
        return try principal(for: active)
    }

    // MARK: The operator's token

    /// Makes the token of `keys/operator.token` the operator's one credential. The file is
    /// authoritative at start: an operator who replaced it by hand (and restarted) replaced
    /// the token; `OPERATOR ROTATE` (with `coffer rotate operator-token`) does it without a restart.
    func registerOperatorToken(digest: [UInt8]) throws {
        if let existing = try credential(digest: digest), existing.role == .operator, !existing.pending { return }
        try keyring.transaction {
            try keyring.run("DELETE FROM credentials WHERE role = 'operator'")
            let credential = Credential(role: .operator, pending: false, tenantID: nil, expiresAt: nil)
            try keyring.run("INSERT INTO credentials (digest, role, pending, tenant_id, expires_at, authority) VALUES (?, 'operator', 0, NULL, NULL, ?)",
                            digest, try credentialAuthority(credential, digest: digest))
        }
    }

    /// A new pending operator token, replacing an earlier pending one.
    func rotateOperatorToken() throws -> String {
        try keyring.transaction {
            try keyring.run("DELETE FROM credentials WHERE role = 'operator' AND pending = 1")
            return try insertCredential(Credential(role: .operator, pending: true, tenantID: nil,
                                                   expiresAt: Self.now() + configuration.pendingTokenLifetimeSeconds))
        }
    }

    // MARK: Subject tokens

    /// Issues a new token for the subject, replacing any earlier one.
    func issueToken(subject: String, tenant name: TenantRef) throws -> String {
        let tenant = try tenant(name).keys
        let id = try requireSubject(subject, of: tenant).id
        let token = try TokenFormat.generate()
        let digest = try tokenDigest(Array(token.utf8))
        try vault.run("UPDATE subjects SET token = ?, token_authority = ? WHERE id = ?",
                      digest, try subjectTokenAuthority(tenant: tenant.tenantID, subject: id, digest: digest), id)
        return token
    }

    func revokeToken(subject: String, tenant name: TenantRef) throws {
        let tenant = try tenant(name).keys
        let id = try requireSubject(subject, of: tenant).id
        try vault.run("UPDATE subjects SET token = NULL, token_authority = NULL WHERE id = ?", id)
    }
}
