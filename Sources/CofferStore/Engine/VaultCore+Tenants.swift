import CofferCrypto

extension VaultCore {
    /// Every tenant with its number of subjects, sorted by the bytes of the name.
    func listTenants() throws -> [TenantSummary] {
        var counts: [Int64: Int] = [:]
        for row in try vault.rows("SELECT tenant_id, count(*) FROM subjects GROUP BY tenant_id") {
            if let id = row.int64(0), let count = row.int64(1) { counts[id] = Int(count) }
        }
        // SQLite's BINARY collation compares UTF-8 bytes, which is the contract's order.
        return try keyring.rows("SELECT id, name FROM tenants ORDER BY name").compactMap { row in
            guard let id = row.int64(0), let name = row.text(1) else { return nil }
            return TenantSummary(name: name, subjects: counts[id] ?? 0)
        }
    }

    /// Destroys the tenant's keys in one keyring transaction: everything it had is unreadable
    /// from that moment, whatever its size. Returns the detached cached data keys, which the
    /// caller releases outside the engine lock; the vault rows are purged afterwards.
    func shredTenant(_ ref: TenantRef) throws -> [SubjectKeys] {
        let name = ref.name
        guard let id = try keyring.row("SELECT id FROM tenants WHERE name = ?", name)?.int64(0), ref.id == nil || ref.id == id else {
            throw VaultError.notFound(.tenant)
        }
        try keyring.transaction {
            try keyring.run("DELETE FROM tenant_keys WHERE tenant_id = ?", id)
            try keyring.run("DELETE FROM credentials WHERE tenant_id = ?", id)
            try keyring.run("DELETE FROM tenant_audit_keys WHERE tenant_id = ?", id)
            try keyring.run("DELETE FROM tenants WHERE id = ?", id)
        }
        sealBudget.counters[id] = nil
        sealBudget.auditKeys[id] = nil
        audit.tenantKeys[id] = nil
        let detached = keyState.shredTenant(name, id: id)
        // secure_delete zeroed the pages; the checkpoint removes the old copies from the WAL.
        truncateWAL(of: keyring)
        return detached
    }

    /// Tenant ids that still have rows in the vault but no longer exist in the keyring.
    func shreddedTenantIDs() throws -> [Int64] {
        let live = Set(try keyring.rows("SELECT id FROM tenants").compactMap { $0.int64(0) })
        return try vault.rows("SELECT DISTINCT tenant_id FROM subjects").compactMap { $0.int64(0) }.filter { !live.contains($0) }
    }

    /// Deletes up to `batch` subjects (with their keys and fields) of a shredded tenant.
    /// Returns how many it deleted; 0 means the tenant is fully purged.
    func purgeBatch(tenant id: Int64, batch: Int) throws -> Int {
        let ids = try vault.rows("SELECT id FROM subjects WHERE tenant_id = ? LIMIT ?", id, batch).compactMap { $0.int64(0) }
        guard !ids.isEmpty else { return 0 }
        try writeTransaction {
            for subject in ids { try deleteSubjectRows(subject) }
        }
        return ids.count
    }

    func setSubjectSelfEdit(tenant ref: TenantRef, enabled: Bool) throws {
        let entry = try tenant(ref)
        try updateTenantRow(id: entry.keys.tenantID, name: ref.name, subjectSelfEdit: enabled, claimed: entry.claimed)
        keyState.forgetTenant(ref.name)
    }
}
