import CofferCrypto

/// Walks audit records in sequence order and finds the first one that breaks the chain.
///
/// Used by `coffer audit verify` and before a pruning deletes old records (so pruning never
/// launders tampering). Start it where the chain starts: at seq 1 after the all-zero MAC, or
/// where the newest pruning record says the kept records start.
struct AuditChainChecker {
    private let key: HMACSHA256
    private(set) var expectedSeq: Int64
    private(set) var previousMAC: [UInt8]
    private(set) var checked = 0

    init(key: HMACSHA256, startSeq: Int64, startMAC: [UInt8]) {
        self.key = key
        self.expectedSeq = startSeq
        self.previousMAC = startMAC
    }

    /// Checks the next record; returns what is wrong with it, or nil if it continues the chain.
    mutating func check(_ record: AuditRecord) throws(CryptoError) -> AuditProblem? {
        if record.seq < expectedSeq {
            return AuditProblem(seq: record.seq, reason: "record \(record.seq) lies before the start of the trail (\(expectedSeq))")
        }
        if record.seq > expectedSeq {
            let missing = record.seq - 1 == expectedSeq ? "record \(expectedSeq) is missing" : "records \(expectedSeq) to \(record.seq - 1) are missing"
            return AuditProblem(seq: expectedSeq, reason: missing)
        }
        guard try key.verify(record.mac, for: record.macMessage(previous: previousMAC)) else {
            return AuditProblem(seq: record.seq, reason: "record \(record.seq) does not match its MAC: it was changed, moved or forged, or its predecessor was")
        }
        previousMAC = record.mac
        expectedSeq += 1
        checked += 1
        return nil
    }
}
