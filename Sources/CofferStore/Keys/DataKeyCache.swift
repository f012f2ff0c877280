/// A bounded cache of unwrapped subject data keys, keyed by subject row id.
///
/// Unwrapping costs one AES-GCM open and a key schedule; the cache keeps the keyed contexts of
/// recently used subjects. When full, it evicts the least recently used eighth. A shred removes
/// the subject's (or the whole tenant's) entries, so no copy of a destroyed key outlives the shred
/// in memory. Not thread-safe: owned by `VaultCore`, which is used under the engine's lock.
struct DataKeyCache {
    private struct Entry {
        let keys: SubjectKeys
        let tenant: Int64
        var lastUse: UInt64
    }

    private var entries: [Int64: Entry] = [:]
    private var clock: UInt64 = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { entries.count }

    mutating func get(_ subject: Int64) -> SubjectKeys? {
        guard entries[subject] != nil else { return nil }
        clock += 1
        entries[subject]!.lastUse = clock
        return entries[subject]!.keys
    }

    mutating func put(_ keys: SubjectKeys, tenant: Int64, for subject: Int64) {
        if entries[subject] == nil && entries.count >= capacity { evictOldest() }
        clock += 1
        entries[subject] = Entry(keys: keys, tenant: tenant, lastUse: clock)
    }

    mutating func remove(subject: Int64) { entries[subject] = nil }

    mutating func remove(tenant: Int64) { entries = entries.filter { $0.value.tenant != tenant } }

    mutating func removeAll() { entries.removeAll() }

    private mutating func evictOldest() {
        let victims = entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(max(1, capacity / 8))
        for victim in victims { entries[victim.key] = nil }
    }
}
