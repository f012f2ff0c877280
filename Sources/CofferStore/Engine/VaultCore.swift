import CofferCrypto
#if canImport(Glibc)
import Glibc
#endif

/// The vault engine proper: one connection to each database, and the operations on them.
///
/// Not thread-safe: each `VaultCore` is used by one thread at a time. `Vault` has one writer
/// core, used only by its writer thread (`WriteQueue`), and a pool of reader cores
/// (`ReaderPool`), each with connections of its own; they share the keys and caches through
/// `KeyState`. Methods throw whatever fails underneath (`VaultError`, `SQLiteError`,
/// `CryptoError`); `Vault` turns the last two into `VaultError`.
final class VaultCore {
    let configuration: VaultConfiguration
    let keyring: Database
    let vault: Database
    let keyState: KeyState
    let tokenKey: HMACSHA256
    /// MACs the rows that carry authority (`VaultCore+Authority.swift`).
    let authorityKey: HMACSHA256

    /// The master key versions (shared; replaced by a master rotation).
    var master: MasterKeyring { keyState.master }

    /// Nonce budgets (writer only): counts of tenant-key encryptions, and keys that reached
    /// their budget and wait for the automatic rotation `Vault` schedules.
    var sealBudget = SealBudget()
    var tenantsOverBudget: Set<String> = []
    var masterOverBudget = false

    /// The audit chain's key and head, and the tenants' audit keys (used by the writer only;
    /// readers carry a copy they never use for writing).
    var audit: AuditState

    /// A data-key change is open in the current transaction (writer only; see `forgetDataKeys`).
    var dataKeyChangeOpen = false

    /// The writer's page cache for the vault database, in KiB.
    static let writerCacheKiB = 32 * 1024

    /// The writer's vault WAL frame count, for the background checkpointer (nil for readers).
    private(set) var walMonitor: WALMonitor?
    /// Held by the background checkpointer while it checkpoints the vault, and by the writer
    /// around a `TRUNCATE` checkpoint: SQLite answers a second checkpointer SQLITE_BUSY at once,
    /// without waiting, and a shred must not leave its deleted pages in the WAL for that.
    let vaultCheckpointLock = PlainLock()

    /// WAL truncations a reader kept from completing, retried by the checkpointer thread.
    let pendingTruncations = PendingTruncations()

    typealias TenantEntry = KeyState.TenantEntry

    /// For a reader inside `ReaderPool`'s snapshot: the key-cache generation taken before the
    /// snapshot began. Keys it loads from that snapshot may be older than a change committed
    /// since, so they may be cached only if nothing was invalidated after this generation.
    var snapshotGeneration: UInt64?

    /// A reader: its own connections (read-only by `query_only`), sharing the writer's keys
    /// (see `ReaderSource`).
    init(readerWith configuration: VaultConfiguration, keyState: KeyState, tokenKey: HMACSHA256, authorityKey: HMACSHA256,
         audit: AuditState) throws {
        self.configuration = configuration
        self.keyState = keyState
        self.tokenKey = tokenKey
        self.authorityKey = authorityKey
        self.audit = audit
        keyring = try Database(path: configuration.keyringPath)
        vault = try Database(path: configuration.vaultPath)
        try keyring.execute("PRAGMA query_only = ON")
        try vault.execute("PRAGMA query_only = ON")
    }

    /// The writer: opens (creating where allowed) the master key file and both databases,
    /// migrates them, and finishes a master rotation a crash interrupted.
    init(configuration: VaultConfiguration) throws {
        self.configuration = configuration
        try SecretFile.makeDirectory(configuration.dataDirectory)
        let hadDatabases = SecretFile.exists(configuration.keyringPath) || SecretFile.exists(configuration.vaultPath)
        let masterFile: MasterKeyFile
        if SecretFile.exists(configuration.masterKeyPath) {
            masterFile = try MasterKeyFile.load(from: configuration.masterKeyPath)
        } else if configuration.createMissingMasterKey && !hadDatabases {
            masterFile = try MasterKeyFile.generate()
            try masterFile.save(to: configuration.masterKeyPath)
        } else {
            throw VaultError.keyFile(.missing(path: configuration.masterKeyPath))
        }
        let master = try MasterKeyring(file: masterFile)
        keyring = try Database(path: configuration.keyringPath)
        vault = try Database(path: configuration.vaultPath)
        try Self.checkMasterKeyBelongs(master, to: keyring, path: configuration.masterKeyPath, directory: configuration.dataDirectory)
        try Migrator.migrate(keyring, Schema.keyring)
        let vaultSchemaBefore = try Migrator.userVersion(of: vault)
        try Migrator.migrate(vault, Schema.vault)
        // The writer revisits the pages of many subjects in every group commit; SQLite's default
        // page cache (2 MiB) made it read most of them again from the file (about a sixth of its
        // time under a write load, docs/BENCHMARKS.md).
        try vault.execute("PRAGMA cache_size = -\(Self.writerCacheKiB)")
        walMonitor = try vault.monitorWAL(checkpointFrames: WALCheckpointer.writerCheckpointFrames)
        tokenKey = try Self.loadOrCreateServiceKey("token", keyring: keyring, master: master)
        authorityKey = try Self.loadOrCreateAuthorityKey(keyring: keyring, master: master)
        keyState = KeyState(master: master, dataKeyCacheSize: configuration.dataKeyCacheSize)
        audit = try Self.loadAuditState(keyring: keyring, vault: vault, master: master, keyringPath: configuration.keyringPath)
        try boundUncountedAuditKeySeals()
        try completeMasterRotation()
        try rebindProtocol1Tenants()
        let backfilled = try backfillFindIndex()
        let migrated = try Migrator.userVersion(of: vault) != vaultSchemaBefore
        if migrated || backfilled { emptyWALAfterMigration() }
    }

    /// A migration or backfill can rewrite whole tables (schema 6 rewrote every field row), and
    /// SQLite reuses a WAL file without ever shrinking it. This empties it if it can at once; if
    /// a reader holds it (a backup running while the server starts), the WAL keeps its size and
    /// is reused, which costs disk but no correctness. Never waits, and is not retried: it is not
    /// a shred's secure deletion (`truncateWAL`).
    private func emptyWALAfterMigration() {
        do { try vault.checkpointTruncateWithoutWaiting() } catch {
            ServiceLog.info("the WAL grown by the schema migration stays on disk until the next shred: \(error)")
        }
    }

    /// Refuses a master key file that does not open this keyring, before anything is migrated or
    /// written: the token key, present in every keyring since schema 1, must unwrap under it.
    private static func checkMasterKeyBelongs(_ master: MasterKeyring, to keyring: Database, path: String, directory: String) throws {
        guard try keyring.row("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'service_keys'") != nil,
              let wrapped = try keyring.row("SELECT wrapped FROM service_keys WHERE name = 'token'")?.blob(0) else { return }
        guard (try? master.unwrap(wrapped, context: BindingContext.tokenKey)) != nil else {
            throw VaultError.keyFile(.unreadable(path: path, reason: "this master key does not belong to the databases in "
                                                 + "\(directory) (it cannot unwrap their keys); nothing was changed"))
        }
    }

    /// A service-wide HMAC key (`token`: token digests; `authority`: the MACs of rows that carry
    /// authority), created in the keyring wrapped under the master key on first use.
    static func loadOrCreateServiceKey(_ name: String, keyring: Database, master: MasterKeyring) throws -> HMACSHA256 {
        let context = try BindingContext.serviceKey(name)
        if let row = try keyring.row("SELECT wrapped FROM service_keys WHERE name = ?", name), let wrapped = row.blob(0) {
            do {
                return try HMACSHA256(key: try master.unwrap(wrapped, context: context))
            } catch {
                throw VaultError.corrupt("the master key file does not match the keyring (cannot unwrap the \(name) key)")
            }
        }
        let key = try SymmetricKey.random()
        try keyring.run("INSERT INTO service_keys (name, wrapped) VALUES (?, ?)", name, try master.wrap(key, context: context))
        try keyring.run("INSERT INTO master_seals (version, seals) VALUES (?, 1) ON CONFLICT (version) DO UPDATE SET seals = seals + 1",
                        Int64(master.currentVersion))
        return try HMACSHA256(key: key)
    }

    // MARK: Tenants

    /// The tenant a session or the operator names; for a session, only while it is the very
    /// tenant the session authenticated with (same id).
    func tenant(_ ref: TenantRef) throws -> TenantEntry {
        let entry = try tenant(ref.name)
        if let id = ref.id, id != entry.keys.tenantID { throw VaultError.notFound(.tenant) }
        return entry
    }

    /// The tenant's unwrapped keys and policy, from the cache or the keyring. The row's
    /// authority MAC is checked first: a name, policy or claim state written into the keyring
    /// by anyone but the engine is refused.
    func tenant(_ name: String) throws -> TenantEntry {
        if let entry = keyState.tenant(name) { return entry }
        let generation = snapshotGeneration ?? keyState.generation
        let master = self.master
        guard let row = try keyring.row("SELECT id, index_key, subject_self_edit, claimed, authority FROM tenants WHERE name = ?", name),
              let id = row.int64(0), let wrappedIndex = row.blob(1) else {
            throw VaultError.notFound(.tenant)
        }
        let selfEdit = row.int64(2) == 1, claimed = row.int64(3) == 1
        try checkTenantAuthority(row.blob(4), id: id, name: name, subjectSelfEdit: selfEdit, claimed: claimed)
        var keks: [UInt32: AESGCM] = [:]
        for keyRow in try keyring.rows("SELECT version, wrapped FROM tenant_keys WHERE tenant_id = ?", id) {
            guard let version = keyRow.int64(0), let wrapped = keyRow.blob(1) else { continue }
            let kek = try master.unwrap(wrapped, context: BindingContext.tenantKey(tenant: id, version: UInt32(version)))
            keks[UInt32(version)] = try AESGCM(key: kek)
        }
        guard !keks.isEmpty else { throw VaultError.corrupt("tenant without a key-encryption key") }
        let index = try HMACSHA256(key: try master.unwrap(wrappedIndex, context: BindingContext.indexKey(tenant: id)))
        let entry = TenantEntry(keys: TenantKeys(tenantID: id, name: name, keyEncryptionKeys: keks, index: index),
                                subjectSelfEdit: selfEdit, claimed: claimed)
        keyState.storeTenant(entry, name: name, loadedAt: generation)
        return entry
    }

    func tenantName(id: Int64) throws -> String? {
        try keyring.row("SELECT name FROM tenants WHERE id = ?", id)?.text(0)
    }

    // MARK: Subjects

    /// A tenant's subject, found by keyed hash; nil if it does not exist.
    func subjectRef(_ subject: String, of tenant: TenantKeys) throws -> SubjectRef? {
        try subjectRef(lookup: try tenant.lookup(subject: subject), of: tenant)
    }

    func subjectRef(lookup: [UInt8], of tenant: TenantKeys) throws -> SubjectRef? {
        try vault.row("SELECT id FROM subjects WHERE tenant_id = ? AND lookup = ?", tenant.tenantID, lookup)?.int64(0)
            .map { SubjectRef(id: $0, lookup: lookup) }
    }

    /// The keyed lookup digest of the subject with this id; nil once it is gone (ids are never reused).
    func subjectLookup(id: Int64) throws -> [UInt8]? {
        try vault.row("SELECT lookup FROM subjects WHERE id = ?", id)?.blob(0)
    }

    func requireSubject(_ subject: String, of tenant: TenantKeys) throws -> SubjectRef {
        guard let ref = try subjectRef(subject, of: tenant) else { throw VaultError.notFound(.subject) }
        return ref
    }

    /// Inserts a new subject with a fresh random data key. Runs inside the caller's transaction.
    func insertSubject(_ subject: String, of tenant: TenantKeys) throws -> SubjectRef {
        let lookup = try tenant.lookup(subject: subject)
        try countTenantKeySeals(tenant, 2)
        let sealedName = try Envelope.seal(Array(subject.utf8), using: tenant.current, keyVersion: tenant.currentVersion,
                                           context: BindingContext.subjectName(tenant: tenant.tenantID, lookup: lookup))
        try vault.run("INSERT INTO subjects (tenant_id, lookup, sealed_name, name_kek_version, created_at) VALUES (?, ?, ?, ?, ?)",
                      tenant.tenantID, lookup, sealedName, Int64(tenant.currentVersion), Self.now())
        let ref = SubjectRef(id: vault.lastInsertRowID, lookup: lookup)
        try insertDataKey(try SymmetricKey.random(), version: 1, subject: ref, tenant: tenant)
        return ref
    }

    /// Stores a subject's data key wrapped under the tenant's current key-encryption key.
    func insertDataKey(_ key: SymmetricKey, version: UInt32, subject: SubjectRef, tenant: TenantKeys) throws {
        let wrapped = try KeyWrap.wrap(key, under: tenant.current, kekVersion: tenant.currentVersion,
                                       context: BindingContext.dataKey(tenant: tenant.tenantID, subject: subject, version: version))
        try vault.run("INSERT INTO data_keys (subject_id, version, wrapped, kek_version) VALUES (?, ?, ?, ?)",
                      subject.id, Int64(version), wrapped, Int64(tenant.currentVersion))
    }

    /// The subject's unwrapped data keys, from the cache or the vault.
    func subjectKeys(_ subject: SubjectRef, of tenant: TenantKeys) throws -> SubjectKeys {
        if let cached = keyState.dataKeys(subject: subject.id, tenant: tenant.tenantID) { return cached }
        let generation = snapshotGeneration ?? keyState.generation
        var keys: [UInt32: AESGCM] = [:]
        for row in try vault.rows("SELECT version, wrapped FROM data_keys WHERE subject_id = ?", subject.id) {
            guard let version = row.int64(0), let wrapped = row.blob(1) else { continue }
            let key = try KeyWrap.unwrap(wrapped, context: BindingContext.dataKey(tenant: tenant.tenantID, subject: subject, version: UInt32(version))) {
                (kekVersion) throws(CryptoError) in try tenant.keyEncryptionKey(kekVersion)
            }
            keys[UInt32(version)] = try AESGCM(key: key)
        }
        guard !keys.isEmpty else { throw VaultError.corrupt("subject without a data key") }
        let subjectKeys = SubjectKeys(keys: keys)
        keyState.storeDataKeys(subjectKeys, subject: subject.id, tenant: tenant.tenantID, loadedAt: generation)
        return subjectKeys
    }

    /// Decrypts a subject identifier sealed under its tenant's key-encryption key.
    func openSubjectName(_ sealed: [UInt8], lookup: [UInt8], of tenant: TenantKeys) throws -> String {
        let bytes = try Envelope.open(sealed, context: BindingContext.subjectName(tenant: tenant.tenantID, lookup: lookup)) {
            (version) throws(CryptoError) in try tenant.keyEncryptionKey(version)
        }
        return bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: Values

    func sealValue(_ value: String, field: String, subject: SubjectRef, keys: SubjectKeys, tenant: TenantKeys) throws -> [UInt8] {
        try Envelope.seal(Array(value.utf8), using: keys.current, keyVersion: keys.currentVersion,
                          context: BindingContext.field(tenant: tenant.tenantID, subject: subject, field: field))
    }

    func openValue(_ sealed: [UInt8], field: String, subject: SubjectRef, keys: SubjectKeys, tenant: TenantKeys) throws -> String {
        let bytes = try Envelope.open(sealed, context: BindingContext.field(tenant: tenant.tenantID, subject: subject, field: field)) {
            (version) throws(CryptoError) in try keys.key(version)
        }
        return bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    static func now() -> Int64 { Int64(time(nil)) }
}
