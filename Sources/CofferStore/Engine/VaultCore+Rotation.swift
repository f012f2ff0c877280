import CofferCrypto

/// Key rotation at the three levels. Each level only rewraps the level below it, so the work
/// grows with what that key directly protects: a master rotation with the number of tenants, a
/// tenant-key rotation with the number of subjects; only a data-key rotation re-encrypts values
/// (see `VaultCore+Reencryption.swift`).
extension VaultCore {
    // MARK: Master key

    /// Replaces the master key: a new version is added to the key file, every key wrapped under
    /// an older version is rewrapped in one keyring transaction, then the older versions are
    /// removed from the file. A crash at any point leaves a file that still holds every version
    /// the keyring names; the next start finishes the job (`completeMasterRotation`).
    func rotateMaster() throws -> UInt32 {
        let newVersion = master.currentVersion + 1
        var keys = master.file.keys
        keys[newVersion] = try SymmetricKey.random()
        try installMasterFile(MasterKeyFile(keys: keys))
        try rewrapUnderCurrentMaster()
        try retireOldMasterVersions()
        masterOverBudget = false
        return newVersion
    }

    /// Finishes a master rotation that a crash interrupted: called at every start.
    func completeMasterRotation() throws {
        guard master.file.keys.count > 1 else { return }
        try rewrapUnderCurrentMaster()
        try retireOldMasterVersions()
    }

    private func installMasterFile(_ file: MasterKeyFile) throws {
        try file.save(to: configuration.masterKeyPath)
        keyState.setMaster(try MasterKeyring(file: file))
    }

    /// Every wrapped key in the keyring whose envelope names an older master version.
    private func rewrapUnderCurrentMaster() throws {
        let current = master.currentVersion
        try keyring.transaction {
            for row in try keyring.rows("SELECT tenant_id, version, wrapped FROM tenant_keys") {
                guard let tenant = row.int64(0), let version = row.int64(1), let wrapped = row.blob(2),
                      try Envelope.keyVersion(of: wrapped) != current else { continue }
                let context = BindingContext.tenantKey(tenant: tenant, version: UInt32(version))
                try keyring.run("UPDATE tenant_keys SET wrapped = ? WHERE tenant_id = ? AND version = ?",
                                try wrapUnderMaster(try master.unwrap(wrapped, context: context), context: context), tenant, version)
            }
            for row in try keyring.rows("SELECT id, index_key FROM tenants") {
                guard let tenant = row.int64(0), let wrapped = row.blob(1), try Envelope.keyVersion(of: wrapped) != current else { continue }
                let context = BindingContext.indexKey(tenant: tenant)
                try keyring.run("UPDATE tenants SET index_key = ? WHERE id = ?",
                                try wrapUnderMaster(try master.unwrap(wrapped, context: context), context: context), tenant)
            }
            for row in try keyring.rows("SELECT tenant_id, version, wrapped FROM tenant_audit_keys") {
                guard let tenant = row.int64(0), let version = row.int64(1).flatMap(UInt32.init(exactly:)), let wrapped = row.blob(2),
                      try Envelope.keyVersion(of: wrapped) != current else { continue }
                let context = BindingContext.tenantAuditKey(tenant: tenant, version: version)
                try keyring.run("UPDATE tenant_audit_keys SET wrapped = ? WHERE tenant_id = ? AND version = ?",
                                try wrapUnderMaster(try master.unwrap(wrapped, context: context), context: context), tenant, Int64(version))
            }
            for row in try keyring.rows("SELECT name, wrapped FROM service_keys") {
                guard let name = row.text(0), let wrapped = row.blob(1), try Envelope.keyVersion(of: wrapped) != current else { continue }
                let context = try BindingContext.serviceKey(name)
                try keyring.run("UPDATE service_keys SET wrapped = ? WHERE name = ?",
                                try wrapUnderMaster(try master.unwrap(wrapped, context: context), context: context), name)
            }
        }
    }

    /// Drops the versions nothing refers to any more from the key file, then truncates the
    /// keyring WAL, which still held the old wrapped bytes.
    private func retireOldMasterVersions() throws {
        let current = master.currentVersion
        try installMasterFile(MasterKeyFile(keys: [current: master.file.keys[current]!]))
        try keyring.run("DELETE FROM master_seals WHERE version <> ?", Int64(current))
        truncateWAL(of: keyring)
    }

    // MARK: Tenant key-encryption key

    /// Adds a new key-encryption key version for the tenant; from now on it wraps new data keys.
    /// Returns the new version. The caller then rewraps in batches and retires the old versions.
    func beginTenantKeyRotation(_ name: String) throws -> UInt32 {
        let tenant = try tenant(name).keys
        let newVersion = (try keyring.row("SELECT max(version) FROM tenant_keys WHERE tenant_id = ?", tenant.tenantID)?.int64(0))
            .map { UInt32($0) + 1 } ?? 1
        let kek = try SymmetricKey.random()
        try keyring.transaction {
            try keyring.run("INSERT INTO tenant_keys (tenant_id, version, wrapped, created_at) VALUES (?, ?, ?, ?)",
                            tenant.tenantID, Int64(newVersion),
                            try wrapUnderMaster(kek, context: BindingContext.tenantKey(tenant: tenant.tenantID, version: newVersion)), Self.now())
        }
        reloadTenant(name)
        return newVersion
    }

    /// Walks the tenant's subjects after `cursor` in id order, at most `limit` of them, and
    /// rewraps every data key and subject identifier still under an older key-encryption key.
    /// Returns the last subject id visited, or nil when the walk is complete. Walking by id keeps
    /// each batch an index seek, so a rotation is linear in the number of subjects.
    func rewrapTenantBatch(_ name: String, after cursor: Int64, limit: Int) throws -> Int64? {
        let tenant = try tenant(name).keys
        let current = Int64(tenant.currentVersion)
        let subjects = try vault.rows("""
            SELECT id, lookup, sealed_name, name_kek_version FROM subjects
            WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?
            """, tenant.tenantID, cursor, limit)
        guard let last = subjects.last?.int64(0) else { return nil }
        let first = subjects.first?.int64(0) ?? 0
        let keyRows = try vault.rows("""
            SELECT d.subject_id, d.version, d.wrapped, s.lookup FROM data_keys d JOIN subjects s ON s.id = d.subject_id
            WHERE s.tenant_id = ? AND s.id BETWEEN ? AND ? AND d.kek_version < ?
            """, tenant.tenantID, first, last, current)
        let nameRows = subjects.filter { ($0.int64(3) ?? 0) < current }
        guard !keyRows.isEmpty || !nameRows.isEmpty else { return last }
        try countTenantKeySeals(tenant, Int64(keyRows.count + nameRows.count))
        try writeTransaction {
            for row in keyRows {
                guard let subject = row.int64(0), let version = row.int64(1), let wrapped = row.blob(2), let lookup = row.blob(3) else { continue }
                let context = BindingContext.dataKey(tenant: tenant.tenantID, subject: SubjectRef(id: subject, lookup: lookup), version: UInt32(version))
                let key = try KeyWrap.unwrap(wrapped, context: context) { (v) throws(CryptoError) in try tenant.keyEncryptionKey(v) }
                try vault.run("UPDATE data_keys SET wrapped = ?, kek_version = ? WHERE subject_id = ? AND version = ?",
                              try KeyWrap.wrap(key, under: tenant.current, kekVersion: tenant.currentVersion, context: context),
                              current, subject, version)
            }
            for row in nameRows {
                guard let subject = row.int64(0), let lookup = row.blob(1), let sealed = row.blob(2) else { continue }
                let identifier = try openSubjectName(sealed, lookup: lookup, of: tenant)
                let resealed = try Envelope.seal(Array(identifier.utf8), using: tenant.current, keyVersion: tenant.currentVersion,
                                                 context: BindingContext.subjectName(tenant: tenant.tenantID, lookup: lookup))
                try vault.run("UPDATE subjects SET sealed_name = ?, name_kek_version = ? WHERE id = ?", resealed, current, subject)
            }
        }
        return last
    }

    /// Destroys the tenant's older key-encryption keys once nothing is wrapped under them, and
    /// truncates both WALs so their old wrapped bytes are gone from disk too.
    func retireOldTenantKeys(_ name: String) throws {
        let tenant = try tenant(name).keys
        try keyring.run("DELETE FROM tenant_keys WHERE tenant_id = ? AND version < ?", tenant.tenantID, Int64(tenant.currentVersion))
        reloadTenant(name)
        tenantsOverBudget.remove(name)
        truncateWAL(of: vault)
        truncateWAL(of: keyring)
    }

    /// Tenants whose current key-encryption key was created before `cutoff` (seconds since 1970).
    func tenantsWithKeysOlderThan(_ cutoff: Int64) throws -> [String] {
        try keyring.rows("""
            SELECT t.name FROM tenants t JOIN tenant_keys k ON k.tenant_id = t.id
            GROUP BY t.id HAVING max(k.created_at) < ? ORDER BY t.name
            """, cutoff).compactMap { $0.text(0) }
    }

    /// Tenants with more than one key-encryption key: a rotation to finish.
    func tenantsWithUnfinishedKeyRotation() throws -> [String] {
        try keyring.rows("""
            SELECT t.name FROM tenants t JOIN tenant_keys k ON k.tenant_id = t.id
            GROUP BY t.id HAVING count(*) > 1 ORDER BY t.name
            """).compactMap { $0.text(0) }
    }

    /// Forgets the cached keys of a tenant so that the next use loads every current version.
    func reloadTenant(_ name: String) {
        if let id = keyState.tenant(name)?.keys.tenantID { sealBudget.counters[id] = nil }
        keyState.forgetTenant(name)
    }
}
