import CofferCrypto

extension VaultCore {
    func addSubject(_ subject: String, tenant name: TenantRef) throws {
        try Identifier.checkSubject(subject)
        let tenant = try tenant(name).keys
        if try subjectRef(subject, of: tenant) != nil { throw VaultError.exists(.subject) }
        _ = try writeTransaction { try insertSubject(subject, of: tenant) }
    }

    /// Up to `limit` subject identifiers sorted by their UTF-8 bytes, starting after `after`.
    ///
    /// Identifiers are stored sealed, so the list decrypts them all and sorts in memory.
    func listSubjects(tenant name: TenantRef, after: String?, limit: Int) throws -> [String] {
        let tenant = try tenant(name).keys
        var names: [String] = []
        for row in try vault.rows("SELECT sealed_name, lookup FROM subjects WHERE tenant_id = ?", tenant.tenantID) {
            guard let sealed = row.blob(0), let lookup = row.blob(1) else { continue }
            let subject = try openSubjectName(sealed, lookup: lookup, of: tenant)
            if let after, !ByteOrder.precedes(after, subject) { continue }
            names.append(subject)
        }
        names.sort(by: ByteOrder.precedes)
        return Array(names.prefix(limit))
    }

    /// Deletes the subject's data key, fields and token in one transaction, then checkpoints
    /// the WAL so the deleted key bytes leave it too.
    func shredSubject(_ subject: String, tenant name: TenantRef) throws {
        let tenant = try tenant(name).keys
        let id = try requireSubject(subject, of: tenant).id
        try writeTransaction { try deleteSubjectRows(id) }
        forgetDataKeys(subject: id, tenant: tenant.tenantID)
        try checkpointVault()
    }

    /// Every row that belongs to one subject. Runs inside the caller's transaction.
    func deleteSubjectRows(_ id: Int64) throws {
        try vault.run("DELETE FROM erasure_requests WHERE subject_id = ?", id)
        try vault.run("DELETE FROM fields WHERE subject_id = ?", id)
        try vault.run("DELETE FROM data_keys WHERE subject_id = ?", id)
        try vault.run("DELETE FROM subjects WHERE id = ?", id)
    }
}
