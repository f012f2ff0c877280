/// One row of the `audit` table, and the message its MAC is computed over.
///
/// `mac = HMAC-SHA256(audit key, label ‖ previous record's MAC ‖ every other column)`, so a
/// changed byte, a record moved to another place or a removed predecessor all break the chain.
struct AuditRecord {
    var seq: Int64
    var time: Int64
    var tenantID: Int64?
    var tenant: String?
    var actor: String
    var actorHash: [UInt8]?
    var action: String
    var result: String
    var detail: [UInt8]?
    var anchorSeq: Int64?
    var anchorMAC: [UInt8]?
    var mac: [UInt8] = []

    /// The columns in the order `init(row:)` reads them.
    static let columns = "seq, time, tenant_id, tenant, actor, actor_hash, action, result, detail, anchor_seq, anchor_mac, mac"

    /// The MAC that precedes the first record of a chain that was never pruned.
    static let genesisMAC = [UInt8](repeating: 0, count: 32)

    /// The actor and action of the record that anchors a pruned chain's new start.
    static let serviceActor = "service"
    static let pruneAction = "AUDIT PRUNE"

    init(seq: Int64, time: Int64, tenantID: Int64?, tenant: String?, actor: String, actorHash: [UInt8]?,
         action: String, result: String, detail: [UInt8]?, anchorSeq: Int64? = nil, anchorMAC: [UInt8]? = nil) {
        self.seq = seq
        self.time = time
        self.tenantID = tenantID
        self.tenant = tenant
        self.actor = actor
        self.actorHash = actorHash
        self.action = action
        self.result = result
        self.detail = detail
        self.anchorSeq = anchorSeq
        self.anchorMAC = anchorMAC
    }

    /// Reads a row selected with `columns`; nil if a required column is missing or mistyped.
    init?(row: Row) {
        guard row.count == 12, let seq = row.int64(0), let time = row.int64(1), let actor = row.text(4),
              let action = row.text(6), let result = row.text(7), let mac = row.blob(11) else { return nil }
        self.init(seq: seq, time: time, tenantID: row.int64(2), tenant: row.text(3), actor: actor, actorHash: row.blob(5),
                  action: action, result: result, detail: row.blob(8), anchorSeq: row.int64(9), anchorMAC: row.blob(10))
        self.mac = mac
    }

    /// The bytes the MAC covers, chained to `previous` (the preceding record's MAC).
    func macMessage(previous: [UInt8]) -> [UInt8] {
        var out = CanonicalBytes()
        out.appendRaw(Array("coffer/audit-record".utf8) + [0])
        out.append(previous)
        out.append(seq)
        out.append(time)
        out.append(tenantID)
        out.append(tenant)
        out.append(actor)
        out.append(actorHash)
        out.append(action)
        out.append(result)
        out.append(detail)
        out.append(anchorSeq)
        out.append(anchorMAC)
        return out.bytes
    }

    /// The arguments of `INSERT INTO audit (columns) VALUES (...)`, in `columns` order.
    var insertArguments: [(any SQLiteBindable)?] {
        [seq, time, tenantID, tenant, actor, actorHash, action, result, detail, anchorSeq, anchorMAC, mac]
    }
}
