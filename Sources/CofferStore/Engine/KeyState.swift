import CofferCrypto

/// What the writer and every reader share: the master key versions and the caches of unwrapped tenant and subject keys. Thread-safe.
///
/// Readers load keys on their own connections and put them in the caches; the writer drops
/// entries when a shred, a rotation or a policy change makes them stale. Every such drop bumps a
/// generation, and a reader's put only lands if the generation has not moved since the reader
/// began loading: a key destroyed while a reader was loading it can never come back.
///
/// `@unchecked Sendable`: `unlockedState` is only touched inside `withLock`, under `lock` (a
/// `PlainLock`: every read takes this lock a few times, and readers run in parallel).
final class KeyState: @unchecked Sendable {
    /// A cached tenant: its unwrapped keys and its policy.
    struct TenantEntry: Sendable {
        let keys: TenantKeys
        var subjectSelfEdit: Bool
        /// Whether an administrator token has been used (protocol 2 enrollment).
        var claimed: Bool
    }

    private struct State: Sendable {
        var master: MasterKeyring
        var tenants: [String: TenantEntry] = [:]
        var dataKeys: DataKeyCache
        var generation: UInt64 = 0
        /// Writer transactions changing data keys that have not committed (or failed) yet.
        var keyChangesInFlight = 0
    }

    private let lock = PlainLock()
    private var unlockedState: State

    init(master: MasterKeyring, dataKeyCacheSize: Int) {
        unlockedState = State(master: master, dataKeys: DataKeyCache(capacity: dataKeyCacheSize))
    }

    private func withLock<T>(_ body: (inout State) -> T) -> T {
        lock.withLock { body(&unlockedState) }
    }

    var master: MasterKeyring {
        get { withLock { $0.master } }
    }

    func setMaster(_ master: MasterKeyring) {
        withLock { $0.master = master }
    }

    /// The current generation; pass it back to a `store…` call after loading from the database.
    var generation: UInt64 { withLock { $0.generation } }

    // MARK: Tenants

    func tenant(_ name: String) -> TenantEntry? {
        withLock { $0.tenants[name] }
    }

    /// Caches a tenant loaded from the keyring, unless something was invalidated since `generation`.
    func storeTenant(_ entry: TenantEntry, name: String, loadedAt generation: UInt64) {
        withLock { state in
            if state.generation == generation { state.tenants[name] = entry }
        }
    }

    /// Drops a tenant's cached keys (rotation, policy change) and bumps the generation.
    func forgetTenant(_ name: String) {
        withLock { state in
            state.tenants[name] = nil
            state.generation += 1
        }
    }

    /// Drops a shredded tenant and all its subjects' keys; returns the detached keys so the
    /// caller can release them outside any lock.
    func shredTenant(_ name: String, id: Int64) -> [SubjectKeys] {
        withLock { state in
            state.tenants[name] = nil
            state.generation += 1
            return state.dataKeys.remove(tenant: id)
        }
    }

    // MARK: Subject data keys

    func dataKeys(subject: Int64, tenant: Int64) -> SubjectKeys? {
        withLock { $0.dataKeys.get(subject, tenant: tenant) }
    }

    func storeDataKeys(_ keys: SubjectKeys, subject: Int64, tenant: Int64, loadedAt generation: UInt64) {
        withLock { state in
            if state.generation == generation && state.keyChangesInFlight == 0 {
                state.dataKeys.put(keys, tenant: tenant, for: subject)
            }
        }
    }

    /// Brackets a writer transaction that replaces data keys (re-encryption). Until `end`, no
    /// data keys are cached: a reader's snapshot may predate the commit, and keys it loaded
    /// there would outlive the change. Both calls bump the generation, so a load begun before
    /// `end` can never be cached.
    func beginDataKeyChange() {
        withLock { state in
            state.keyChangesInFlight += 1
            state.generation += 1
        }
    }

    func endDataKeyChange() {
        withLock { state in
            state.keyChangesInFlight -= 1
            state.generation += 1
        }
    }

    func forgetDataKeys(subject: Int64, tenant: Int64) {
        withLock { state in
            state.dataKeys.remove(subject: subject, tenant: tenant)
            state.generation += 1
        }
    }

    /// Empties the data-key cache: after a failed write, whose cached keys must not outlive it.
    func forgetAllDataKeys() {
        withLock { state in
            state.dataKeys.removeAll()
            state.generation += 1
        }
    }
}
