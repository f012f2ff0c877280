/// Counts the encryptions of tenant key-encryption keys, subject data keys and tenant audit keys,
/// so that a key is rotated well before the random-nonce limit of AES-GCM (2^32 encryptions
/// under one key).
///
/// Counting every seal in the database would cost a write per new subject, and a data-key row
/// rewritten by every `SET` (one more random page in each group commit). Instead the count is
/// persisted in reservations of `blockSize`: before a seal goes past the persisted number, a
/// higher number is written first. After a crash the count resumes from the persisted
/// reservation, which over-counts by less than a block and never under-counts.
struct SealBudget {
    struct Counter {
        let version: UInt32
        var used: Int64
        var reserved: Int64

        /// A counter resuming from the persisted reservation (which over-counts).
        init(version: UInt32, persisted: Int64) {
            self.version = version
            used = persisted
            reserved = persisted
        }

        /// Counts `count` more encryptions. Returns the new reservation, `block` beyond the
        /// count, when the count passed the persisted one: the caller persists it before the
        /// encryptions become durable.
        mutating func count(_ count: Int64, block: Int64) -> Int64? {
            used += count
            guard used > reserved else { return nil }
            reserved = used + block
            return reserved
        }
    }

    static let blockSize: Int64 = 1024
    /// Data keys are many and each is used less: a smaller block wastes less budget per restart.
    static let dataKeyBlockSize: Int64 = 64
    /// Data-key counters kept in memory (about 40 bytes each). Past this many, all are dropped:
    /// each then resumes from its persisted reservation, which only over-counts.
    static let maximumDataKeyCounters = 262_144

    /// The tenant's current key-encryption key counter, by tenant id.
    var counters: [Int64: Counter] = [:]
    /// The subject's current data-key counter, by subject id.
    var dataKeys: [Int64: Counter] = [:]
    /// The tenant's current audit-key counter, by tenant id.
    var auditKeys: [Int64: Counter] = [:]
}
