import CofferCrypto

extension VaultCore {
    func addSubject(_ subject: String, tenant name: TenantRef) throws {
        try Identifier.checkSubject(subject)
        let tenant = try tenant(name).keys
        if try subjectRef(subject, of: tenant) != nil { throw VaultError.exists(.subject) }
        _ = try writeTransaction { try insertSubject(subject, of: tenant) }
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
