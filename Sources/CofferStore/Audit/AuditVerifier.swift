import CofferCrypto

/// Checks the whole audit chain: every record's MAC over its content and its predecessor's MAC,
/// no gap in the sequence numbers, the start where the newest pruning record puts it, and the
/// end at (or after) the head kept in the keyring. Reports the first bad record.
///
/// Edits, deletions, reordering and truncation are all detected by someone without the audit
/// key. Someone who holds the master key and can write both databases could rebuild the chain;
/// the head printed by `coffer audit verify`, kept elsewhere, is what detects that.
public enum AuditVerifier {
    /// Opens the databases in `configuration.dataDirectory` read-only with the master key, and
    /// verifies the trail. Safe while the server runs.
    public static func verify(configuration: VaultConfiguration) throws(VaultError) -> AuditVerification {
        for path in [configuration.keyringPath, configuration.vaultPath] where !SecretFile.exists(path) {
            throw VaultError.corrupt("no database at \(path)")
        }
        do {
            let master = try MasterKeyring(file: try MasterKeyFile.load(from: configuration.masterKeyPath))
            let keyring = try Database(path: configuration.keyringPath, mode: .readOnly)
            let vault = try Database(path: configuration.vaultPath, mode: .readOnly)
            guard try Migrator.userVersion(of: keyring) >= 3, try Migrator.userVersion(of: vault) >= 5,
                  try vault.row("SELECT 1 FROM sqlite_schema WHERE name = 'audit'") != nil else {
                throw VaultError.corrupt("these databases have no audit trail yet; start the server once to upgrade them")
            }
            guard let wrapped = try keyring.row("SELECT wrapped FROM service_keys WHERE name = 'audit'")?.blob(0) else {
                let records = try vault.row("SELECT count(*) FROM audit")?.int64(0) ?? 0
                let problem = records > 0 ? AuditProblem(seq: 1, reason: "the keyring holds no audit key, yet the vault holds audit records") : nil
                return AuditVerification(records: 0, firstSeq: 1, lastSeq: nil, lastMAC: nil, headSeq: nil, problem: problem)
            }
            let key = try HMACSHA256(key: try master.unwrap(wrapped, context: BindingContext.auditKey))
            return try verify(vault: vault, head: try storedHead(keyring), key: key)
        } catch {
            throw Vault.vaultError(error)
        }
    }

    /// The head recorded in the keyring, if any.
    static func storedHead(_ keyring: Database) throws -> AuditHead? {
        guard let row = try keyring.row("SELECT seq, mac FROM audit_head WHERE id = 1"),
              let seq = row.int64(0), let mac = row.blob(1) else { return nil }
        return AuditHead(seq: seq, mac: mac)
    }

    /// Where the kept chain starts: after the newest pruning, or at record 1.
    static func start(_ vault: Database) throws -> AuditHead {
        guard let row = try vault.row("SELECT anchor_seq, anchor_mac FROM audit WHERE anchor_seq IS NOT NULL ORDER BY seq DESC LIMIT 1"),
              let seq = row.int64(0), let mac = row.blob(1) else {
            return AuditHead(seq: 1, mac: AuditRecord.genesisMAC)
        }
        return AuditHead(seq: seq, mac: mac)
    }

    /// Verifies the trail in `vault` against the keyring's `head`, streaming the records.
    static func verify(vault: Database, head: AuditHead?, key: HMACSHA256) throws -> AuditVerification {
        let start = try start(vault)
        var checker = AuditChainChecker(key: key, startSeq: start.seq, startMAC: start.mac)
        var headMatches: Bool?
        var problem: AuditProblem?
        let statement = try vault.prepare("SELECT \(AuditRecord.columns) FROM audit ORDER BY seq")
        while try statement.step() {
            let row = statement.row()
            guard let record = AuditRecord(row: row) else {
                problem = AuditProblem(seq: row.int64(0) ?? checker.expectedSeq, reason: "a record has a missing or mistyped column")
                break
            }
            if let found = try checker.check(record) {
                problem = found
                break
            }
            if record.seq == head?.seq { headMatches = ConstantTime.equals(record.mac, head!.mac) }
        }
        statement.reset()
        let lastSeq = checker.expectedSeq - 1
        if problem == nil, let head {
            if head.seq > lastSeq {
                problem = AuditProblem(seq: lastSeq + 1, reason: "the trail ends at record \(lastSeq) but the keyring's head is record \(head.seq): the newest records were removed")
            } else if headMatches == false {
                problem = AuditProblem(seq: head.seq, reason: "record \(head.seq) differs from the one the keyring's head names")
            }
        }
        let verified = lastSeq >= start.seq
        return AuditVerification(records: checker.checked, firstSeq: start.seq, lastSeq: verified ? lastSeq : nil,
                                 lastMAC: verified ? checker.previousMAC : nil, headSeq: head?.seq, problem: problem)
    }
}
