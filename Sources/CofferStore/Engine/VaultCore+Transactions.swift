extension VaultCore {
    /// A vault write transaction, or a savepoint when one is already open: inside a group commit
    /// (`WriteQueue`), or inside an audited command, which runs the engine's own transaction in
    /// the one that appends its audit record.
    ///
    /// When the work fails, it leaves nothing behind in memory either: the audit head goes back
    /// to where it was, and the data-key cache is emptied (keys cached for a subject whose row
    /// was rolled back must not outlive it: a later subject may be given the same row id).
    func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        let headBefore = audit.head
        if vault.isInTransaction {
            do {
                return try vault.savepoint(body)
            } catch {
                audit.head = headBefore
                keyState.forgetAllDataKeys()
                throw error
            }
        }
        let result: T
        do {
            result = try vault.transaction(body)
        } catch {
            transactionFailed(restoring: headBefore)
            throw error
        }
        try transactionCommitted()
        return result
    }

    /// Runs `body` with the audit record of `event` in the same transaction: both or neither.
    func audited<T>(_ event: AuditEvent?, _ body: () throws -> T) throws -> T {
        guard let event else { return try body() }
        return try writeTransaction {
            _ = try appendAuditRecord(event, result: AuditEvent.ok)
            return try body()
        }
    }

    /// After the outermost vault commit (its own, or a group's): the audit head is recorded in
    /// the keyring, and a WAL checkpoint a shred asked for runs.
    func transactionCommitted() throws {
        auditCommitted(audit.head)
        if audit.checkpointVaultAfterCommit {
            audit.checkpointVaultAfterCommit = false
            try vault.checkpointTruncate()
        }
    }

    /// After the outermost vault transaction failed (its own, or a group's).
    func transactionFailed(restoring head: AuditHead) {
        audit.head = head
        audit.checkpointVaultAfterCommit = false
        keyState.forgetAllDataKeys()
    }

    /// Truncates the vault WAL now, or right after the enclosing transaction commits.
    func checkpointVault() throws {
        if vault.isInTransaction {
            audit.checkpointVaultAfterCommit = true
        } else {
            try vault.checkpointTruncate()
        }
    }
}
