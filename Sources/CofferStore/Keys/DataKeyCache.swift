/// A bounded cache of unwrapped subject data keys, grouped by tenant.
///
/// Unwrapping costs one AES-GCM open and a key schedule; the cache keeps the keyed contexts of
/// recently used subjects. When full, it evicts the least recently used eighth. A shred removes
/// the subject's (or the whole tenant's) entries, so no destroyed key stays reachable. Grouping
/// by tenant makes a tenant's removal one dictionary operation whatever the tenant's size; the
/// removed keys are handed back so the caller can let them go (and be wiped) outside its lock.
/// Not thread-safe: owned by `VaultCore`, which is used under the engine's lock.
struct DataKeyCache {
    private struct Entry {
        let keys: SubjectKeys
        var lastUse: UInt64
    }

    private var tenants: [Int64: [Int64: Entry]] = [:]
    private var clock: UInt64 = 0
    private(set) var count = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    mutating func get(_ subject: Int64, tenant: Int64) -> SubjectKeys? {
        guard let entry = tenants[tenant]?[subject] else { return nil }
        clock += 1
        tenants[tenant]![subject]!.lastUse = clock
        return entry.keys
    }

    mutating func put(_ keys: SubjectKeys, tenant: Int64, for subject: Int64) {
        if tenants[tenant]?[subject] == nil {
            if count >= capacity { evictOldest() }
            count += 1
        }
        clock += 1
        tenants[tenant, default: [:]][subject] = Entry(keys: keys, lastUse: clock)
    }

    mutating func remove(subject: Int64, tenant: Int64) {
        if tenants[tenant]?.removeValue(forKey: subject) != nil { count -= 1 }
    }

    /// Detaches every key of the tenant and returns them, for the caller to release.
    mutating func remove(tenant: Int64) -> [SubjectKeys] {
        guard let removed = tenants.removeValue(forKey: tenant) else { return [] }
        count -= removed.count
        return removed.values.map(\.keys)
    }

    mutating func removeAll() {
        tenants.removeAll()
        count = 0
    }

    private mutating func evictOldest() {
        var all: [(tenant: Int64, subject: Int64, lastUse: UInt64)] = []
        all.reserveCapacity(count)
        for (tenant, subjects) in tenants {
            for (subject, entry) in subjects { all.append((tenant, subject, entry.lastUse)) }
        }
        all.sort { $0.lastUse < $1.lastUse }
        for victim in all.prefix(max(1, capacity / 8)) { remove(subject: victim.subject, tenant: victim.tenant) }
    }
}
