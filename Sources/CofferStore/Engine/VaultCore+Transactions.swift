extension VaultCore {
    /// A vault write transaction, or a savepoint when one is already open (an audited command
    /// runs the engine's own transaction inside the one that appends its audit record).
    ///
    /// When the outermost transaction fails, the cached data keys of subjects inserted in it
    /// are dropped: their rows are gone and a later subject may be given the same row id.
    func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        if vault.isInTransaction { return try vault.savepoint(body) }
        do {
            let result = try vault.transaction(body)
            uncommittedSubjects.removeAll()
            return result
        } catch {
            forgetUncommittedSubjects()
            throw error
        }
    }

    /// Drops the cached data keys of subjects whose insertion was rolled back.
    func forgetUncommittedSubjects() {
        for inserted in uncommittedSubjects { dataKeys.remove(subject: inserted.subject, tenant: inserted.tenant) }
        uncommittedSubjects.removeAll()
    }

    /// Truncates the vault WAL now, or right after the enclosing audited transaction commits.
    func checkpointVault() throws {
        if vault.isInTransaction {
            audit.checkpointVaultAfterCommit = true
        } else {
            try vault.checkpointTruncate()
        }
    }
}
