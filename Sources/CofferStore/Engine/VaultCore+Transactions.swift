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
                sealBudget.dataKeys.removeAll()  // reservations written in the savepoint are gone
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
        closeDataKeyChange()
        auditCommitted(audit.head)
        if audit.checkpointVaultAfterCommit {
            audit.checkpointVaultAfterCommit = false
            truncateWAL(of: vault)
        }
    }

    /// After the outermost vault transaction failed (its own, or a group's).
    func transactionFailed(restoring head: AuditHead) {
        closeDataKeyChange()
        audit.head = head
        audit.checkpointVaultAfterCommit = false
        keyState.forgetAllDataKeys()
        sealBudget.dataKeys.removeAll()
    }

    /// Drops a subject's cached data keys because this writer replaces or deletes them. Inside a
    /// transaction, caching stays off until it ends (`KeyState.beginDataKeyChange`): a reader
    /// whose snapshot predates the commit could otherwise put the old keys back.
    func forgetDataKeys(subject: Int64, tenant: Int64) {
        if vault.isInTransaction && !dataKeyChangeOpen {
            keyState.beginDataKeyChange()
            dataKeyChangeOpen = true
        }
        keyState.forgetDataKeys(subject: subject, tenant: tenant)
    }

    /// Ends the data-key change of the transaction that just committed or failed.
    private func closeDataKeyChange() {
        guard dataKeyChangeOpen else { return }
        dataKeyChangeOpen = false
        keyState.endDataKeyChange()
    }

    /// Truncates the vault WAL now, or right after the enclosing transaction commits.
    func checkpointVault() throws {
        if vault.isInTransaction {
            audit.checkpointVaultAfterCommit = true
        } else {
            truncateWAL(of: vault)
        }
    }

    /// Truncates a database's WAL after a shred, a rotation or a purge, so that the page images
    /// of deleted keys leave the disk (secure_delete has already zeroed them in the database
    /// file). The change itself is committed, so this never fails the command, and it never
    /// waits: if a reader (a backup, `coffer verify`) holds a snapshot that the truncation would
    /// take away, the truncation is handed to the checkpointer thread, which retries it until
    /// the reader has let go (`WALTruncationRetry`). Waiting here would hold the writer, and every
    /// command behind it, for the busy timeout.
    func truncateWAL(of database: Database) {
        do {
            if database === vault {
                try vaultCheckpointLock.withLock { () throws(SQLiteError) in try database.checkpointTruncateWithoutWaiting() }
            } else {
                try database.checkpointTruncateWithoutWaiting()
            }
            pendingTruncations.satisfied(database.path)
        } catch {
            if pendingTruncations.request(database.path) {
                ServiceLog.info("WAL truncation of \(database.path) handed to the background: \(error)")
            }
        }
    }
}
