import CofferCrypto

/// Re-encryption of field values under fresh subject data keys: the only rotation that touches
/// every value, so it runs as a resumable background job, a few subjects per transaction.
///
/// A job is a row of `rotation_jobs` per tenant: the subjects that existed when it started
/// (ids up to `until_subject`) are re-keyed in id order, and `cursor` records the last one done
/// in the same transaction as its new key and values. A crash loses at most the batch in flight,
/// which is redone; a subject is never left half re-encrypted.
extension VaultCore {
    /// Starts (or restarts) the re-encryption job of one tenant.
    func startReencryption(_ name: String) throws {
        let tenant = try tenant(name).keys
        guard let row = try vault.row("SELECT coalesce(max(id), 0), count(*) FROM subjects WHERE tenant_id = ?", tenant.tenantID),
              let until = row.int64(0), let total = row.int64(1) else { return }
        try vault.run("""
            INSERT OR REPLACE INTO rotation_jobs (tenant_id, until_subject, cursor, done, total, started_at, finished_at)
            VALUES (?, ?, 0, 0, ?, ?, NULL)
            """, tenant.tenantID, until, total, Self.now())
    }

    /// Re-keys up to `limit` subjects of one running job. Returns false when no job has work left.
    func reencryptBatch(limit: Int) throws -> Bool {
        guard let job = try vault.row("SELECT tenant_id, until_subject, cursor FROM rotation_jobs WHERE finished_at IS NULL ORDER BY started_at LIMIT 1"),
              let tenantID = job.int64(0), let until = job.int64(1), let cursor = job.int64(2) else { return false }
        guard let name = try tenantName(id: tenantID) else {
            try vault.run("DELETE FROM rotation_jobs WHERE tenant_id = ?", tenantID)  // shredded meanwhile
            return true
        }
        let tenant = try tenant(name).keys
        let subjects = try vault.rows("SELECT id, lookup FROM subjects WHERE tenant_id = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?",
                                      tenantID, cursor, until, limit).compactMap { row in
            row.int64(0).flatMap { id in row.blob(1).map { SubjectRef(id: id, lookup: $0) } }
        }
        try writeTransaction {
            for subject in subjects { try rekeySubject(subject, of: tenant) }
            if let last = subjects.last?.id {
                try vault.run("UPDATE rotation_jobs SET cursor = ?, done = done + ? WHERE tenant_id = ?", last, subjects.count, tenantID)
            } else {
                try vault.run("UPDATE rotation_jobs SET finished_at = ? WHERE tenant_id = ?", Self.now(), tenantID)
            }
        }
        if subjects.isEmpty { truncateWAL(of: vault) }  // the old data keys leave the WAL too
        return true
    }

    /// Gives the subject a fresh data key, re-encrypts all its values under it and deletes the
    /// old key versions. Runs inside the caller's vault transaction.
    func rekeySubject(_ subject: SubjectRef, of tenant: TenantKeys) throws {
        let old = try subjectKeys(subject, of: tenant)
        let newVersion = old.currentVersion + 1
        let newKey = try SymmetricKey.random()
        try countTenantKeySeals(tenant, 1)
        try insertDataKey(newKey, version: newVersion, subject: subject, tenant: tenant)
        let fresh = SubjectKeys(keys: [newVersion: try AESGCM(key: newKey)])
        let rows = try vault.rows("SELECT name, value FROM fields WHERE subject_id = ?", subject.id)
        for row in rows {
            guard let field = row.text(0), let sealed = row.blob(1) else { continue }
            let value = try openValue(sealed, field: field, subject: subject, keys: old, tenant: tenant)
            try vault.run("UPDATE fields SET value = ? WHERE subject_id = ? AND name = ?",
                          try sealValue(value, field: field, subject: subject, keys: fresh, tenant: tenant), subject.id, field)
        }
        try vault.run("UPDATE data_keys SET seals = ? WHERE subject_id = ? AND version = ?", Int64(rows.count), subject.id, Int64(newVersion))
        try vault.run("DELETE FROM data_keys WHERE subject_id = ? AND version < ?", subject.id, Int64(newVersion))
        forgetDataKeys(subject: subject.id, tenant: tenant.tenantID)
    }

    /// Progress of the re-encryption jobs of one tenant, or of all tenants when `name` is nil.
    func reencryptionStatus(_ name: String?) throws -> ReencryptionStatus {
        let rows: [Row]
        if let name {
            rows = try vault.rows("SELECT done, total, finished_at FROM rotation_jobs WHERE tenant_id = ?", try tenant(name).keys.tenantID)
        } else {
            let live = Set(try keyring.rows("SELECT id FROM tenants").compactMap { $0.int64(0) })
            rows = try vault.rows("SELECT done, total, finished_at, tenant_id FROM rotation_jobs").filter { live.contains($0.int64(3) ?? -1) }
        }
        guard !rows.isEmpty else { return ReencryptionStatus(state: .idle, done: 0, total: 0) }
        let running = rows.contains { $0.int64(2) == nil }
        let done = rows.reduce(0) { $0 + Int($1.int64(0) ?? 0) }
        let total = rows.reduce(0) { $0 + Int($1.int64(1) ?? 0) }
        return ReencryptionStatus(state: running ? .running : .done, done: min(done, total), total: total)
    }
}
