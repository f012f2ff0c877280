import CofferCrypto

/// Whether a vault's audit trail fits a keyring: the part of a vault–keyring pair check that
/// concerns the audit trail (docs/SECURITY.md).
///
/// - Audit details are sealed under a version of their tenant's audit key, which lives in the
///   keyring (the first version is created on first use): every detail of a tenant the keyring
///   holds needs the version its envelope header names there.
/// - The keyring keeps the audit head, the newest record the trail must reach. In a backup pair
///   the head must not be newer than the vault copy's newest record, or `coffer audit verify`
///   of the restored data would report removed records that never were in the copy.
enum AuditPairCheck {
    /// Problems with the audit details of the tenants the keyring holds (an audit key version
    /// the keyring lacks, or an unreadable envelope header). Empty for a vault without an audit
    /// trail.
    static func detailProblems(vault: Database, keyring: KeyringContents) throws(SQLiteError) -> [String] {
        guard try hasAuditTable(vault) else { return [] }
        var problems: [String] = []
        let statement = try vault.prepare("SELECT seq, tenant_id, detail FROM audit WHERE detail IS NOT NULL AND tenant_id IS NOT NULL")
        defer { statement.reset() }
        var missing = Set<[Int64]>()
        while try statement.step() {
            let row = statement.row()
            guard let seq = row.int64(0), let tenantID = row.int64(1), let tenant = keyring.tenants[tenantID] else { continue }
            guard let version = try? Envelope.keyVersion(of: row.blob(2) ?? []) else {
                problems.append("audit: the envelope header of the detail of record \(seq) is unreadable")
                continue
            }
            if tenant.wrappedAuditKeys[version] == nil && missing.insert([tenantID, Int64(version)]).inserted {
                problems.append("audit: details of tenant \(tenant.name) are sealed under audit key version \(version), which the keyring does not hold")
            }
        }
        return problems
    }

    /// How many records the keyring's audit head names beyond the vault's newest one (0 when the
    /// head is not ahead, or either side has no audit trail).
    static func recordsBeyondVault(vault: Database, keyring: KeyringContents) throws(SQLiteError) -> Int64 {
        guard let head = keyring.auditHeadSeq, try hasAuditTable(vault) else { return 0 }
        let newest = try vault.row("SELECT max(seq) FROM audit")?.int64(0) ?? 0
        return max(0, head - newest)
    }

    private static func hasAuditTable(_ vault: Database) throws(SQLiteError) -> Bool {
        try vault.row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit'")?.int64(0) == 1
    }
}
