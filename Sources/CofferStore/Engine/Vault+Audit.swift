/// The audit trail's public face: recording, reading a tenant's trail, verifying the chain.
extension Vault {
    /// Records `event` with `result` (`ok`, or the error code the command was answered with), for
    /// commands that changed nothing: reads and refusals. (A change's record is written in the
    /// change's own transaction: pass the event to the method that makes the change.)
    ///
    /// The record is queued and committed with the writer's next group, without making the
    /// reply wait for a disk sync: reads keep their speed, and the records of every session stay
    /// in order. A crash can lose the records of the reads answered in the last few milliseconds,
    /// never a change's. A failure is logged.
    public func recordAudit(_ event: AuditEvent, result: String = AuditEvent.ok) {
        let time = auditClock()  // when the command ran, not when the writer gets to it
        submit { try $0.recordAudit(event, result: result, at: time) }
    }

    /// Waits until every write queued so far (such as audit records of reads) is committed.
    public func waitForQueuedWrites() {
        _ = try? write(groupable: true) { _ in }
    }

    /// The tenant's own audit records, newest first, at most `limit`, with the subject and field
    /// names decrypted. The service's trail and other tenants' records never appear. Runs on the
    /// writer, after every record queued before it, so a session sees its own latest commands.
    public func auditTrail(tenant: TenantRef, limit: Int) throws(VaultError) -> [AuditEntry] {
        try write { try $0.auditTrail(tenant: tenant, limit: limit) }
    }

    /// Verifies the whole chain against the keyring's head.
    public func verifyAudit() throws(VaultError) -> AuditVerification {
        try write { core in
            try AuditVerifier.verify(vault: core.vault, head: try AuditVerifier.storedHead(core.keyring), key: core.audit.chainKey)
        }
    }

    /// Deletes the records older than `cutoff` (seconds since 1970) behind a pruning record;
    /// returns how many were deleted. Runs by itself hourly with the configured retention.
    @discardableResult
    public func pruneAudit(before cutoff: Int64) throws(VaultError) -> Int {
        try write { try $0.pruneAudit(before: cutoff) }
    }
}
