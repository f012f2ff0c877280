import CofferCrypto

/// Protocol 2 enrollment: the operator creates a tenant but never holds its administrator
/// token. `TENANT CREATE` stores a one-time enrollment token (it expires); its holder claims the
/// tenant (`TENANT CLAIM`), which gives a pending administrator token that takes over at its
/// first `AUTH` (`activateCredential`). `ADMIN ROTATE` replaces the administrator token the same way.
extension VaultCore {
    /// Creates an unclaimed tenant with fresh random keys; returns its enrollment token (shown once).
    func createTenant(_ name: String) throws -> String {
        try Identifier.checkTenant(name)
        if try keyring.row("SELECT 1 FROM tenants WHERE name = ?", name) != nil { throw VaultError.exists(.tenant) }
        let kek = try SymmetricKey.random()
        let index = try SymmetricKey.random()
        return try keyring.transaction {
            try deleteExpiredCredentials()
            // The wrapping contexts and the row's MAC bind the tenant id, which the insert assigns.
            try keyring.run("INSERT INTO tenants (name, index_key, created_at) VALUES (?, x'', ?)", name, Self.now())
            let id = keyring.lastInsertRowID
            try keyring.run("UPDATE tenants SET index_key = ?, authority = ? WHERE id = ?",
                            try wrapUnderMaster(index, context: BindingContext.indexKey(tenant: id)),
                            try tenantAuthority(id: id, name: name, subjectSelfEdit: false, claimed: false), id)
            try keyring.run("INSERT INTO tenant_keys (tenant_id, version, wrapped, created_at) VALUES (?, 1, ?, ?)",
                            id, try wrapUnderMaster(kek, context: BindingContext.tenantKey(tenant: id, version: 1)), Self.now())
            return try insertCredential(enrollmentCredential(tenant: id))
        }
    }

    /// A new enrollment token for a tenant nobody has claimed yet; the earlier one, and any
    /// administrator token claimed with it and not yet used, stop working.
    func enrollTenant(_ name: String) throws -> String {
        let entry = try tenant(name)
        guard !entry.claimed else { throw VaultError.exists(.claim) }
        return try keyring.transaction {
            try deleteExpiredCredentials()
            try keyring.run("DELETE FROM credentials WHERE tenant_id = ?", entry.keys.tenantID)
            return try insertCredential(enrollmentCredential(tenant: entry.keys.tenantID))
        }
    }

    /// `TENANT CLAIM`: a pending administrator token for the enrolling tenant, replacing an
    /// earlier pending one (a lost reply can be claimed again).
    func claimTenant(_ ref: TenantRef) throws -> String {
        let entry = try tenant(ref)
        guard !entry.claimed else { throw VaultError.exists(.claim) }
        return try replacePendingAdminToken(of: entry.keys.tenantID)
    }

    /// `ADMIN ROTATE`: a pending administrator token; the current one works until its first use.
    func rotateAdminToken(_ ref: TenantRef) throws -> String {
        try replacePendingAdminToken(of: try tenant(ref).keys.tenantID)
    }

    private func replacePendingAdminToken(of tenantID: Int64) throws -> String {
        try keyring.transaction {
            try keyring.run("DELETE FROM credentials WHERE tenant_id = ? AND role = 'tenant' AND pending = 1", tenantID)
            return try insertCredential(Credential(role: .tenant, pending: true, tenantID: tenantID,
                                                   expiresAt: Self.now() + configuration.pendingTokenLifetimeSeconds))
        }
    }

    private func enrollmentCredential(tenant id: Int64) -> Credential {
        Credential(role: .enrollment, pending: false, tenantID: id, expiresAt: Self.now() + configuration.enrollmentTokenLifetimeSeconds)
    }

    /// Expired enrollment and pending tokens no longer work; their rows go at the next enrollment.
    private func deleteExpiredCredentials() throws {
        try keyring.run("DELETE FROM credentials WHERE expires_at IS NOT NULL AND expires_at <= ?", Self.now())
    }
}
