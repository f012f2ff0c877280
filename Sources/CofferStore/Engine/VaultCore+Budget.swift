import CofferCrypto

extension VaultCore {
    /// Wraps `key` under the current master version and counts the encryption.
    /// Master wraps are rare (tenant creation, rotation), so each is counted in the keyring.
    func wrapUnderMaster(_ key: SymmetricKey, context: [UInt8]) throws -> [UInt8] {
        let wrapped = try master.wrap(key, context: context)
        let seals = try keyring.row("""
            INSERT INTO master_seals (version, seals) VALUES (?, 1)
            ON CONFLICT (version) DO UPDATE SET seals = seals + 1 RETURNING seals
            """, Int64(master.currentVersion))?.int64(0) ?? 0
        if seals >= configuration.nonceBudget { masterOverBudget = true }
        return wrapped
    }

    /// Records `count` encryptions under the tenant's current key-encryption key, persisting a
    /// new reservation first when the count would pass the persisted one.
    func countTenantKeySeals(_ tenant: TenantKeys, _ count: Int64) throws {
        var counter = try counter(sealBudget.counters[tenant.tenantID], version: tenant.currentVersion) {
            try keyring.row("SELECT seals FROM tenant_keys WHERE tenant_id = ? AND version = ?",
                            tenant.tenantID, Int64(tenant.currentVersion))?.int64(0) ?? 0
        }
        if let reservation = counter.count(count, block: SealBudget.blockSize) {
            try keyring.run("UPDATE tenant_keys SET seals = ? WHERE tenant_id = ? AND version = ?",
                            reservation, tenant.tenantID, Int64(tenant.currentVersion))
        }
        sealBudget.counters[tenant.tenantID] = counter
        if counter.used >= configuration.nonceBudget { tenantsOverBudget.insert(tenant.name) }
    }

    /// Records `count` field encryptions under a subject's current data key, persisting a new
    /// reservation in the caller's vault transaction when the count would pass the persisted
    /// one. Returns true when the key has reached its budget and must be replaced.
    func countDataKeySeals(subject: Int64, version: UInt32, _ count: Int64) throws -> Bool {
        var counter = try counter(sealBudget.dataKeys[subject], version: version) {
            try vault.row("SELECT seals FROM data_keys WHERE subject_id = ? AND version = ?", subject, Int64(version))?.int64(0) ?? 0
        }
        if let reservation = counter.count(count, block: SealBudget.dataKeyBlockSize) {
            try vault.run("UPDATE data_keys SET seals = ? WHERE subject_id = ? AND version = ?", reservation, subject, Int64(version))
        }
        if sealBudget.dataKeys.count >= SealBudget.maximumDataKeyCounters && sealBudget.dataKeys[subject] == nil {
            sealBudget.dataKeys.removeAll(keepingCapacity: true)
        }
        sealBudget.dataKeys[subject] = counter
        return counter.used >= configuration.nonceBudget
    }

    /// The count of details sealed under the tenant's audit key `version`.
    func auditKeyCounter(tenant: Int64, version: UInt32) throws -> SealBudget.Counter {
        let counter = try counter(sealBudget.auditKeys[tenant], version: version) {
            try keyring.row("SELECT seals FROM tenant_audit_keys WHERE tenant_id = ? AND version = ?", tenant, Int64(version))?.int64(0) ?? 0
        }
        sealBudget.auditKeys[tenant] = counter
        return counter
    }

    /// Records one detail sealed under the tenant's audit key `version`, persisting a new
    /// reservation first when the count would pass the persisted one. The keyring commits it at
    /// once, before the vault commits the detail, so a crash never under-counts.
    func countAuditKeySeal(tenant: Int64, version: UInt32) throws {
        var counter = try auditKeyCounter(tenant: tenant, version: version)
        if let reservation = counter.count(1, block: SealBudget.blockSize) {
            try keyring.run("UPDATE tenant_audit_keys SET seals = ? WHERE tenant_id = ? AND version = ?", reservation, tenant, Int64(version))
        }
        sealBudget.auditKeys[tenant] = counter
    }

    /// The counter of `version`: the cached one if it counts that version, else one resuming
    /// from the reservation `persisted` reads.
    private func counter(_ cached: SealBudget.Counter?, version: UInt32, persisted: () throws -> Int64) rethrows -> SealBudget.Counter {
        if let cached, cached.version == version { return cached }
        return SealBudget.Counter(version: version, persisted: try persisted())
    }
}
