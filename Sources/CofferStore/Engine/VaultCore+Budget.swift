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
        var counter: SealBudget.Counter
        if let existing = sealBudget.counters[tenant.tenantID], existing.version == tenant.currentVersion {
            counter = existing
        } else {
            let persisted = try keyring.row("SELECT seals FROM tenant_keys WHERE tenant_id = ? AND version = ?",
                                             tenant.tenantID, Int64(tenant.currentVersion))?.int64(0) ?? 0
            counter = SealBudget.Counter(version: tenant.currentVersion, persisted: persisted)
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
        var counter: SealBudget.Counter
        if let existing = sealBudget.dataKeys[subject], existing.version == version {
            counter = existing
        } else {
            let persisted = try vault.row("SELECT seals FROM data_keys WHERE subject_id = ? AND version = ?",
                                          subject, Int64(version))?.int64(0) ?? 0
            counter = SealBudget.Counter(version: version, persisted: persisted)
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
}
