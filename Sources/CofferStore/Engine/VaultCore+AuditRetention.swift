import CofferCrypto

/// Retention of the audit trail: records older than the configured age are deleted, and a
/// pruning record appended to the chain names where the kept records start and the MAC the first
/// of them chains to, so the rest still verifies.
extension VaultCore {
    /// The time audit records carry.
    func auditNow() -> Int64 { configuration.auditClock() }

    /// Prunes when the last pruning is an hour old. A failure is logged, never thrown: the
    /// command that triggered it has been committed already.
    func pruneAuditIfDue() {
        let now = auditNow()
        guard now >= audit.nextPrune else { return }
        audit.nextPrune = now + AuditState.pruneInterval
        do {
            _ = try pruneAudit(before: now - configuration.auditRetentionSeconds)
        } catch {
            ServiceLog.error("audit retention pruning failed: \(error)")
        }
    }

    /// Deletes the records older than `cutoff` (up to the first that is not) and appends the
    /// pruning record, in one transaction. The records to delete are verified first: a trail
    /// that does not verify is left as it is, so pruning never hides tampering.
    /// Returns how many records were deleted.
    @discardableResult
    func pruneAudit(before cutoff: Int64) throws -> Int {
        var head = audit.head
        let deleted: Int = try writeTransaction {
            guard let first = try vault.row("SELECT seq FROM audit ORDER BY seq LIMIT 1")?.int64(0) else { return 0 }
            // In seq order, stopping at the first recent record: the cost grows with what is pruned.
            let firstKept = try vault.row("SELECT seq FROM audit WHERE time >= ? ORDER BY seq LIMIT 1", cutoff)?.int64(0) ?? audit.head.seq + 1
            guard firstKept > first else { return 0 }
            let start = try AuditVerifier.start(vault)
            var checker = AuditChainChecker(key: audit.chainKey, startSeq: start.seq, startMAC: start.mac)
            let statement = try vault.prepare("SELECT \(AuditRecord.columns) FROM audit WHERE seq < ? ORDER BY seq")
            try statement.bind([firstKept])
            defer { statement.reset() }
            while try statement.step() {
                guard let record = AuditRecord(row: statement.row()) else {
                    throw VaultError.corrupt("an audit record is unreadable; not pruning (run coffer audit verify)")
                }
                if let problem = try checker.check(record) {
                    throw VaultError.corrupt("the audit trail does not verify at record \(problem.seq); not pruning (run coffer audit verify)")
                }
            }
            guard checker.expectedSeq == firstKept else {
                throw VaultError.corrupt("the audit trail does not verify at record \(checker.expectedSeq); not pruning (run coffer audit verify)")
            }
            statement.reset()
            try vault.run("DELETE FROM audit WHERE seq < ?", firstKept)
            head = try insertAuditRecord(AuditRecord(
                seq: audit.head.seq + 1, time: auditNow(), tenantID: nil, tenant: nil, actor: AuditRecord.serviceActor,
                actorHash: nil, action: AuditRecord.pruneAction, result: AuditEvent.ok, detail: nil,
                anchorSeq: firstKept, anchorMAC: checker.previousMAC))
            return checker.checked
        }
        if deleted > 0 {
            audit.head = head
            try audit.headStore.write(head)
            ServiceLog.info("audit retention: pruned \(deleted) records older than the retention period")
            do { try retireUnneededAuditKeys() } catch {
                ServiceLog.warning("audit retention: retiring the audit keys no kept record needs failed (tried again at the next pruning): \(error)")
            }
        }
        return deleted
    }
}
