/// Counts the encryptions of tenant key-encryption keys, so that a key is rotated well before
/// the random-nonce limit of AES-GCM (2^32 encryptions under one key).
///
/// Counting every seal in the keyring would cost a write per new subject. Instead the count is
/// persisted in reservations of `blockSize`: before a seal goes past the persisted number, a
/// higher number is written first. After a crash the count resumes from the persisted
/// reservation, which over-counts by less than a block and never under-counts.
struct SealBudget {
    struct Counter {
        let version: UInt32
        var used: Int64
        var reserved: Int64
    }

    static let blockSize: Int64 = 1024

    /// The tenant's current key-encryption key counter, by tenant id.
    var counters: [Int64: Counter] = [:]
}
