/// What `coffer audit verify` found: how much of the trail it checked, and the first problem.
public struct AuditVerification: Sendable, Equatable {
    /// Records checked (all of them when the trail is intact).
    public let records: Int
    /// Where the kept trail starts (1, or the first record kept by the newest pruning).
    public let firstSeq: Int64
    /// The newest record that verified (the newest of all when the trail is intact), if any.
    public let lastSeq: Int64?
    /// That record's MAC: it covers the record and, through the chain, every record before it.
    public let lastMAC: [UInt8]?
    /// The newest record according to the keyring, if any was recorded.
    public let headSeq: Int64?
    /// The first bad record; nil when the whole trail verifies.
    public let problem: AuditProblem?

    /// True when every record chains to its predecessor and the trail reaches the keyring's head.
    public var isIntact: Bool { problem == nil }

    /// `lastMAC` in lower-case hex, as `coffer audit verify` prints it.
    public var lastMACHex: String? { lastMAC.map(FileDigest.hex) }
}
