import CofferCrypto

/// The tenants' audit keys, which seal the subject identifiers and field names of their audit
/// records (`AuditDetail`).
///
/// Versioned like every other key: each detail's envelope names the version that sealed it, the
/// newest version seals, and when it has sealed `nonceBudget` details a new version is added
/// (`keyring.db tenant_audit_keys`). Nothing is ever resealed: records are chained by MAC over
/// their sealed bytes. A version is destroyed when no kept record needs it any more (retention,
/// `retireUnneededAuditKeys`) or with the tenant (shred).
extension VaultCore {
    /// The tenant's audit keys, every version; with `create`, a first version is made (and
    /// stored wrapped under the master key) when the tenant has none. Nil when the tenant is
    /// gone, or has no key and `create` is not set.
    func tenantAuditKeys(_ tenantID: Int64, create: Bool) throws -> TenantAuditKeys? {
        if let keys = audit.tenantKeys[tenantID] { return keys }
        var ciphers: [UInt32: AESGCM] = [:]
        for row in try keyring.rows("SELECT version, wrapped FROM tenant_audit_keys WHERE tenant_id = ?", tenantID) {
            guard let version = row.int64(0).flatMap(UInt32.init(exactly:)), let wrapped = row.blob(1) else {
                throw VaultError.corrupt("a tenant audit key row is unreadable")
            }
            ciphers[version] = try AESGCM(key: try master.unwrap(wrapped, context: BindingContext.tenantAuditKey(tenant: tenantID, version: version)))
        }
        if ciphers.isEmpty {
            guard create, try keyring.row("SELECT 1 FROM tenants WHERE id = ?", tenantID) != nil else { return nil }
            return try addTenantAuditKey(tenantID)
        }
        let keys = TenantAuditKeys(keys: ciphers)
        audit.tenantKeys[tenantID] = keys
        return keys
    }

    /// Seals a record's detail under the tenant's current audit key, first replacing that key
    /// with a new version if it has sealed as many details as the nonce budget allows.
    func sealAuditDetail(_ detail: AuditDetail, tenant tenantID: Int64, seq: Int64) throws -> [UInt8] {
        guard var keys = try tenantAuditKeys(tenantID, create: true) else { throw VaultError.notFound(.tenant) }
        if try auditKeyCounter(tenant: tenantID, version: keys.currentVersion).used >= configuration.nonceBudget {
            keys = try addTenantAuditKey(tenantID)
            ServiceLog.info("added audit key version \(keys.currentVersion) of tenant #\(tenantID): the previous one reached its encryption budget")
        }
        try countAuditKeySeal(tenant: tenantID, version: keys.currentVersion)
        return try Envelope.seal(detail.encoded(), using: keys.current, keyVersion: keys.currentVersion,
                                 context: BindingContext.auditDetail(tenant: tenantID, seq: seq))
    }

    /// Opens a record's detail with the version its envelope names; nil if it does not open.
    func openAuditDetail(_ sealed: [UInt8], tenant: Int64, seq: Int64, keys: TenantAuditKeys) -> AuditDetail? {
        guard let opened = try? Envelope.open(sealed, context: BindingContext.auditDetail(tenant: tenant, seq: seq), cipher: keys.key) else {
            return nil
        }
        return AuditDetail.decode(opened.withUnsafeBytes { Array($0) })
    }

    /// Adds the tenant's next audit key version (1 for its first) and returns every version.
    /// Committed in the keyring at once: a vault transaction that fails afterwards only leaves
    /// a version that sealed nothing, which the next detail uses.
    private func addTenantAuditKey(_ tenantID: Int64) throws -> TenantAuditKeys {
        let newest = try keyring.row("SELECT max(version) FROM tenant_audit_keys WHERE tenant_id = ?", tenantID)?.int64(0) ?? 0
        guard let version = UInt32(exactly: newest + 1) else { throw VaultError.corrupt("a tenant audit key version is out of range") }
        let key = try SymmetricKey.random()
        try keyring.transaction {
            try keyring.run("INSERT INTO tenant_audit_keys (tenant_id, version, wrapped, created_at) VALUES (?, ?, ?, ?)",
                            tenantID, Int64(version), try wrapUnderMaster(key, context: BindingContext.tenantAuditKey(tenant: tenantID, version: version)),
                            Self.now())
        }
        // Loaded again, every version: old records still need the older ones.
        audit.tenantKeys[tenantID] = nil
        guard let keys = try tenantAuditKeys(tenantID, create: false) else { throw VaultError.notFound(.tenant) }
        return keys
    }

    /// Audit keys from before keyring schema 5 were never counted (`seals` NULL). Each record
    /// seals at most one detail, so the newest record's seq bounds their seals from above (it
    /// over-counts by the other tenants' records, which only brings their rotation forward).
    /// Runs at start, after the head was found.
    func boundUncountedAuditKeySeals() throws {
        try keyring.run("UPDATE tenant_audit_keys SET seals = ? WHERE seals IS NULL", audit.head.seq + SealBudget.blockSize)
    }

    /// After retention pruned records: destroys each tenant's audit key versions that no kept
    /// record needs, and truncates the keyring WAL so their wrapped bytes leave the disk.
    ///
    /// A tenant's details are sealed under non-decreasing versions in seq order (the writer
    /// appends in seq order and only ever adds versions), so the version of its oldest kept
    /// detail is the oldest it needs. The current version always stays.
    func retireUnneededAuditKeys() throws {
        var retired = false
        for row in try keyring.rows("SELECT tenant_id, max(version) FROM tenant_audit_keys GROUP BY tenant_id HAVING count(*) > 1") {
            guard let tenantID = row.int64(0), let current = row.int64(1) else { continue }
            var oldestNeeded = current
            if let sealed = try vault.row("SELECT detail FROM audit WHERE tenant_id = ? AND detail IS NOT NULL ORDER BY seq LIMIT 1",
                                          tenantID)?.blob(0) {
                // An unreadable header (tampering) keeps every version: the chain check reports it.
                guard let version = try? Envelope.keyVersion(of: sealed) else { continue }
                oldestNeeded = min(Int64(version), current)
            }
            try keyring.run("DELETE FROM tenant_audit_keys WHERE tenant_id = ? AND version < ?", tenantID, oldestNeeded)
            if keyring.changes > 0 {
                retired = true
                audit.tenantKeys[tenantID] = nil
            }
        }
        if retired { truncateWAL(of: keyring) }
    }
}
