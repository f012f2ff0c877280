/// The audit trail's public face: recording, reading a tenant's trail, verifying the chain.
extension Vault {
    /// Records `event` with `result` (`ok`, or the error code the command was answered with) in
    /// its own transaction: for refused commands and for reads, which change nothing.
    public func recordAudit(_ event: AuditEvent, result: String = AuditEvent.ok) throws(VaultError) {
        try withCore { try $0.recordAudit(event, result: result) }
    }

    /// The tenant's own audit records, newest first, at most `limit`, with the subject and field
    /// names decrypted. The service's trail and other tenants' records never appear.
    public func auditTrail(tenant: String, limit: Int) throws(VaultError) -> [AuditEntry] {
        try withCore { try $0.auditTrail(tenant: tenant, limit: limit) }
    }

    /// Verifies the whole chain against the keyring's head, under the engine lock.
    public func verifyAudit() throws(VaultError) -> AuditVerification {
        try withCore { core in
            try AuditVerifier.verify(vault: core.vault, head: try AuditVerifier.storedHead(core.keyring), key: core.audit.chainKey)
        }
    }

    /// Deletes the records older than `cutoff` (seconds since 1970) behind a pruning record;
    /// returns how many were deleted. Runs by itself hourly with the configured retention.
    @discardableResult
    public func pruneAudit(before cutoff: Int64) throws(VaultError) -> Int {
        try withCore { try $0.pruneAudit(before: cutoff) }
    }
}
