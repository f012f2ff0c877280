import CofferCrypto

/// Failed `AUTH`s in the service's trail: one record per source address and minute, carrying
/// the counts in clear and the address sealed (`FailedAuthDetail`).
///
/// Source addresses are personal data with a short retention. Each hour's addresses are sealed
/// under a key of their own, `source/<hour>` in the keyring's `service_keys` (wrapped under the
/// master key like every service key); `destroySourceKeys` deletes the keys of the hours past
/// the retention, which erases those addresses (crypto-shredding) while the records, their
/// counts and the audit chain stay: the MACs cover the sealed bytes, not the address.
extension VaultCore {
    /// The span of one source key, in seconds.
    static let sourceKeySeconds: Int64 = 3600

    static func sourceKeyName(hour: Int64) -> String { "source/\(hour)" }

    /// The hour of a source key's name; nil for any other name.
    static func sourceKeyHour(_ name: String) -> Int64? {
        guard name.hasPrefix("source/"), let hour = Int64(name.dropFirst("source/".count)), hour >= 0,
              name == sourceKeyName(hour: hour) else { return nil }
        return hour
    }

    /// Appends one record per count, all for the minute starting at `minute` (seconds since
    /// 1970), in one transaction.
    func recordFailedAuthentications(_ counts: [FailedAuthenticationCount], minute: Int64) throws {
        guard !counts.isEmpty else { return }
        let hour = minute >= 0 ? minute / Self.sourceKeySeconds : (minute + 1) / Self.sourceKeySeconds - 1
        try writeTransaction {
            let key = counts.contains { $0.source != nil } ? try sourceKey(hour: hour, create: true) : nil
            for count in counts {
                let seq = audit.head.seq + 1
                var detail = FailedAuthDetail(failures: Int64(count.failures), refused: Int64(count.refused))
                if let source = count.source, let key {
                    detail.keyHour = hour
                    detail.sealedSource = try Envelope.seal(Array(source.utf8), using: key, keyVersion: 1,
                                                            context: BindingContext.failedAuthSource(seq: seq, hour: hour))
                }
                _ = try insertAuditRecord(AuditRecord(seq: seq, time: minute, tenantID: nil, tenant: nil, actor: "anonymous", actorHash: nil,
                                                      action: "AUTH", result: "AUTH_FAILED", detail: detail.encoded()))
            }
        }
    }

    /// The newest failed-`AUTH` records of the service's trail, at most `limit`, with the source
    /// addresses whose keys are still kept.
    func failedAuthentications(limit: Int) throws -> [FailedAuthenticationRecord] {
        var keys: [Int64: AESGCM?] = [:]
        let rows = try vault.rows("""
            SELECT seq, time, detail FROM audit WHERE tenant_id IS NULL AND action = 'AUTH' AND result = 'AUTH_FAILED'
            AND detail IS NOT NULL ORDER BY seq DESC LIMIT ?
            """, limit)
        return try rows.compactMap { row in
            guard let seq = row.int64(0), let minute = row.int64(1), let bytes = row.blob(2),
                  let detail = FailedAuthDetail.decode(bytes) else { return nil }
            var source: String?
            var destroyed = false
            if let hour = detail.keyHour, let sealed = detail.sealedSource {
                if keys[hour] == nil { keys[hour] = .some(try sourceKey(hour: hour, create: false)) }
                if let key = keys[hour] ?? nil {
                    let opened = try Envelope.open(sealed, context: BindingContext.failedAuthSource(seq: seq, hour: hour)) { _ in key }
                    source = opened.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
                } else {
                    destroyed = true
                }
            }
            return FailedAuthenticationRecord(seq: seq, minute: minute, failures: Int(detail.failures), refused: Int(detail.refused),
                                              source: source, sourceDestroyed: destroyed)
        }
    }

    /// Destroys the source keys of the hours that ended at or before `cutoff` (seconds since
    /// 1970), so the addresses they sealed can never be read again; returns how many.
    func destroySourceKeys(endingBy cutoff: Int64) throws -> Int {
        let expired = try keyring.rows("SELECT name FROM service_keys WHERE name LIKE 'source/%'").compactMap { row -> String? in
            guard let name = row.text(0), let hour = Self.sourceKeyHour(name), (hour + 1) * Self.sourceKeySeconds <= cutoff else { return nil }
            return name
        }
        guard !expired.isEmpty else { return 0 }
        try keyring.transaction {
            for name in expired { try keyring.run("DELETE FROM service_keys WHERE name = ?", name) }
        }
        // secure_delete zeroed the pages; the checkpoint removes the old copies from the WAL.
        truncateWAL(of: keyring)
        return expired.count
    }

    /// The source key of `hour`; created (wrapped under the master key) when missing and
    /// `create` is set, else nil when missing.
    private func sourceKey(hour: Int64, create: Bool) throws -> AESGCM? {
        let name = Self.sourceKeyName(hour: hour)
        let context = BindingContext.sourceKey(hour: hour)
        if let wrapped = try keyring.row("SELECT wrapped FROM service_keys WHERE name = ?", name)?.blob(0) {
            return try AESGCM(key: try master.unwrap(wrapped, context: context))
        }
        guard create else { return nil }
        let key = try SymmetricKey.random()
        try keyring.transaction {
            try keyring.run("INSERT INTO service_keys (name, wrapped) VALUES (?, ?)", name, try wrapUnderMaster(key, context: context))
        }
        return try AESGCM(key: key)
    }
}
