import CofferCrypto

/// The audit trail: one chained, MACed record per command, written in the same vault
/// transaction as the change it records.
///
/// Order inside an audited transaction: the record is appended first, then the change runs,
/// then the vault commits. A change that only touches the keyring (tenant create and shred,
/// policy) commits its keyring transaction inside the open vault transaction, so an audit record
/// that cannot be written stops the change; only a failing vault COMMIT after a committed
/// keyring change leaves that change without its record (logged; see docs/SECURITY.md).
extension VaultCore {
    /// Loads the chain key (creating it with the keyring) and finds the head: the newest record
    /// in the vault or in the keyring, whichever is later. The vault may be ahead after a crash
    /// between its commit and the keyring's; a vault behind the keyring has lost records, and
    /// appending after the keyring's head keeps that gap visible to verification.
    static func loadAuditState(keyring: Database, vault: Database, master: MasterKeyring, keyringPath: String) throws -> AuditState {
        let key: SymmetricKey
        if let wrapped = try keyring.row("SELECT wrapped FROM service_keys WHERE name = 'audit'")?.blob(0) {
            key = try master.unwrap(wrapped, context: BindingContext.auditKey)
        } else {
            key = try SymmetricKey.random()
            try keyring.run("INSERT INTO service_keys (name, wrapped) VALUES ('audit', ?)", try master.wrap(key, context: BindingContext.auditKey))
        }
        let headStore = try AuditHeadStore(keyringPath: keyringPath)
        var head = try headStore.read() ?? .empty
        if let row = try vault.row("SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1"),
           let seq = row.int64(0), let mac = row.blob(1), seq > head.seq {
            head = AuditHead(seq: seq, mac: mac)
            try headStore.write(head)
        }
        return AuditState(chainKey: try HMACSHA256(key: key), head: head, headStore: headStore)
    }

    /// Records `event` on its own: a refused command, or a read after it ran.
    func recordAudit(_ event: AuditEvent, result: String, at time: Int64? = nil) throws {
        try writeTransaction { _ = try appendAuditRecord(event, result: result, at: time) }
    }

    /// The tenant's own records, newest first, with their details decrypted.
    func auditTrail(tenant name: TenantRef, limit: Int) throws -> [AuditEntry] {
        let tenant = try tenant(name).keys
        let keys = try tenantAuditKeys(tenant.tenantID, create: false)
        return try vault.rows("SELECT seq, time, actor, action, result, detail FROM audit WHERE tenant_id = ? ORDER BY seq DESC LIMIT ?",
                              tenant.tenantID, limit).compactMap { row in
            guard let seq = row.int64(0), let time = row.int64(1), let actor = row.text(2), let action = row.text(3),
                  let result = row.text(4) else { return nil }
            var detail = AuditDetail(subject: nil, fields: [], actorSubject: nil)
            if let sealed = row.blob(5) {
                if let keys, let opened = openAuditDetail(sealed, tenant: tenant.tenantID, seq: seq, keys: keys) {
                    detail = opened
                } else {
                    ServiceLog.warning("audit record \(seq) has a detail that does not open; run coffer audit verify")
                }
            }
            return AuditEntry(seq: seq, time: time, actor: actor, action: action, result: result,
                              subject: detail.subject, fields: detail.fields, actorSubject: detail.actorSubject)
        }
    }

    // MARK: Appending

    /// Appends one record after the current head, inside the caller's transaction, and makes
    /// it the head (`writeTransaction` restores the previous head if the transaction fails).
    func appendAuditRecord(_ event: AuditEvent, result: String, at time: Int64? = nil) throws -> AuditHead {
        let seq = audit.head.seq + 1
        let role = event.actor?.role ?? "anonymous"
        var tenantID: Int64?
        var tenantName: String?
        var actorHash: [UInt8]?
        var detail = AuditDetail(subject: event.subject, fields: event.fields, actorSubject: nil)
        switch event.actor {
        case nil:
            break
        case .operator:
            tenantName = event.tenant.flatMap { Identifier.isValidTenant($0) ? $0 : nil }
            actorHash = try audit.chainKey.authenticate(BindingContext.auditActor(role: role, tenant: nil, subjectLookup: nil))
        case .enrollment(let ref), .tenant(let ref), .subject(let ref, _, _):
            tenantName = ref.name
            // The tenant may be gone (a race with its shred): the record then stays in the
            // service's trail, with nothing personal in it.
            guard let tenant = try? tenant(ref).keys else { break }
            tenantID = tenant.tenantID
            var lookup: [UInt8]?
            if case .subject(_, let subject, _) = event.actor {
                lookup = try tenant.lookup(subject: subject)
                detail.actorSubject = subject
            }
            actorHash = try audit.chainKey.authenticate(BindingContext.auditActor(role: role, tenant: tenant.tenantID, subjectLookup: lookup))
        }
        var sealed: [UInt8]?
        if let tenantID, !detail.isEmpty {
            sealed = try sealAuditDetail(detail, tenant: tenantID, seq: seq)
        }
        return try insertAuditRecord(AuditRecord(seq: seq, time: time ?? auditNow(), tenantID: tenantID, tenant: tenantName, actor: role,
                                                 actorHash: actorHash, action: event.action, result: result, detail: sealed))
    }

    /// MACs the record over its content and the head's MAC and inserts it.
    func insertAuditRecord(_ record: AuditRecord) throws -> AuditHead {
        var record = record
        record.mac = try audit.chainKey.authenticate(record.macMessage(previous: audit.head.mac))
        try vault.run("INSERT INTO audit (\(AuditRecord.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      arguments: record.insertArguments)
        audit.head = AuditHead(seq: record.seq, mac: record.mac)
        return audit.head
    }

    /// After the vault commit: the new head in the keyring. A failed keyring write only leaves
    /// the keyring's head behind the chain, which verification accepts (the records after it
    /// carry valid MACs) and the next record repairs.
    func auditCommitted(_ head: AuditHead) {
        guard head != audit.recordedHead else { return }
        audit.recordedHead = head
        do { try audit.headStore.write(head) } catch {
            ServiceLog.warning("could not record the audit head in the keyring: \(error)")
        }
        pruneAuditIfDue()
    }
}
