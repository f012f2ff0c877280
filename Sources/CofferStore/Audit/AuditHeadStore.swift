/// The copy of the audit head in the keyring, written through a connection of its own with
/// `synchronous=NORMAL`: the head update does not wait for the disk.
///
/// That is safe because the records it names were made durable by the vault commit before it
/// is written: after an OS crash the head can only lag behind the chain (which verification
/// accepts and the next record repairs), never name a record the vault lost. It saves every
/// command a second fsync. The keyring's other writes keep their own `synchronous=FULL`
/// connection; both are used under the engine lock.
final class AuditHeadStore {
    private let keyring: Database

    init(keyringPath: String) throws {
        keyring = try Database(path: keyringPath)
        try keyring.execute("PRAGMA synchronous = NORMAL")
    }

    func read() throws -> AuditHead? {
        try AuditVerifier.storedHead(keyring)
    }

    func write(_ head: AuditHead) throws {
        try keyring.run("INSERT OR REPLACE INTO audit_head (id, seq, mac) VALUES (1, ?, ?)", head.seq, head.mac)
    }
}
