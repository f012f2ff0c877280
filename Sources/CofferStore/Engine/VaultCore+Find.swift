import CofferCrypto

/// The blind index behind `FIND`: for every stored field, `HMAC-SHA256(index key, field ‖ value)`
/// under the tenant's index key, stored in the field's own row (`fields.digest`, indexed by
/// `fields_by_digest`), so it is written, replaced and deleted with the field itself.
///
/// It reveals which subjects of one tenant share a value in one field (equality), and nothing
/// across fields or tenants; see docs/SECURITY.md.
extension VaultCore {
    func findDigest(field: String, value: String, of tenant: TenantKeys) throws -> [UInt8] {
        try tenant.index.authenticate(BindingContext.findValue(field: field, value: value))
    }

    /// Digests the fields that have no digest (databases migrated from a schema before the
    /// index, or whose index entries were lost), one tenant per transaction, so an interrupted
    /// start resumes where it stopped. Shredded tenants are skipped: their rows are unreadable
    /// and about to be purged. Returns whether any tenant was waiting.
    @discardableResult
    func backfillFindIndex() throws -> Bool {
        let pending = try vault.rows("SELECT tenant_id FROM find_index_backfill").compactMap { $0.int64(0) }
        for tenantID in pending {
            try vault.transaction {
                if let name = try tenantName(id: tenantID) {
                    let tenant = try tenant(name).keys
                    let subjects = try vault.rows("SELECT id, lookup FROM subjects WHERE tenant_id = ?", tenantID).compactMap { row in
                        row.int64(0).flatMap { id in row.blob(1).map { SubjectRef(id: id, lookup: $0) } }
                    }
                    for subject in subjects {
                        let keys = try subjectKeys(subject, of: tenant)
                        for row in try vault.rows("SELECT name, value FROM fields WHERE subject_id = ? AND digest IS NULL", subject.id) {
                            guard let field = row.text(0), let sealed = row.blob(1) else { continue }
                            let value = try openValue(sealed, field: field, subject: subject, keys: keys, tenant: tenant)
                            try vault.run("UPDATE fields SET digest = ? WHERE subject_id = ? AND name = ?",
                                          try findDigest(field: field, value: value, of: tenant), subject.id, field)
                        }
                    }
                }
                try vault.run("DELETE FROM find_index_backfill WHERE tenant_id = ?", tenantID)
            }
        }
        return !pending.isEmpty
    }
}
