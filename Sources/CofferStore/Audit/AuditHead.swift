/// The newest record of the audit chain: its sequence number and MAC. The engine appends after
/// it, and keeps a copy in the keyring so that a chain cut short in the vault shows.
struct AuditHead: Equatable {
    var seq: Int64
    var mac: [UInt8]

    /// Before the first record.
    static let empty = AuditHead(seq: 0, mac: AuditRecord.genesisMAC)
}
