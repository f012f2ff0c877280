import CofferCrypto
#if canImport(Glibc)
import Glibc
#endif

/// The vault engine proper: the two database connections, the unwrapped keys and the caches.
///
/// Not thread-safe: `Vault` owns exactly one `VaultCore` behind its lock, and every method
/// here runs under that lock. Methods throw whatever fails underneath (`VaultError`,
/// `SQLiteError`, `CryptoError`); `Vault` turns the last two into `VaultError`.
final class VaultCore {
    let configuration: VaultConfiguration
    let keyring: Database
    let vault: Database
    private(set) var master: MasterKeyring
    let tokenKey: HMACSHA256
    var operatorTokenDigest: [UInt8]?

    /// Tenants whose keys are unwrapped, by name.
    var tenants: [String: TenantEntry] = [:]
    var dataKeys: DataKeyCache
    /// The audit chain's key and head, and the tenants' audit keys.
    var audit: AuditState
    /// Subjects inserted by the open write transaction (see `writeTransaction`).
    var uncommittedSubjects: [(tenant: Int64, subject: Int64)] = []

    /// A cached tenant: its unwrapped keys and its policy.
    struct TenantEntry {
        let keys: TenantKeys
        var subjectSelfEdit: Bool
    }

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
        master = try MasterKeyring(file: masterFile)
        keyring = try Database(path: configuration.keyringPath)
        vault = try Database(path: configuration.vaultPath)
        try Migrator.migrate(keyring, Schema.keyring)
        try Migrator.migrate(vault, Schema.vault)
        tokenKey = try Self.loadOrCreateTokenKey(keyring: keyring, master: master)
        dataKeys = DataKeyCache(capacity: configuration.dataKeyCacheSize)
        audit = try Self.loadAuditState(keyring: keyring, vault: vault, master: master, keyringPath: configuration.keyringPath)
        try backfillFindIndex()
    }

    /// The service-wide key under which tokens are digested. Created with the keyring.
    private static func loadOrCreateTokenKey(keyring: Database, master: MasterKeyring) throws -> HMACSHA256 {
        if let row = try keyring.row("SELECT wrapped FROM service_keys WHERE name = 'token'"), let wrapped = row.blob(0) {
            do {
                return try HMACSHA256(key: try master.unwrap(wrapped, context: BindingContext.tokenKey))
            } catch {
                throw VaultError.corrupt("the master key file does not match the keyring (cannot unwrap the token key)")
            }
        }
        let key = try SymmetricKey.random()
        try keyring.run("INSERT INTO service_keys (name, wrapped) VALUES ('token', ?)",
                        try master.wrap(key, context: BindingContext.tokenKey))
        return try HMACSHA256(key: key)
    }

    // MARK: Tenants

    /// The tenant's unwrapped keys and policy, from the cache or the keyring.
    func tenant(_ name: String) throws -> TenantEntry {
        if let entry = tenants[name] { return entry }
        guard let row = try keyring.row("SELECT id, index_key, subject_self_edit FROM tenants WHERE name = ?", name),
              let id = row.int64(0), let wrappedIndex = row.blob(1) else {
            throw VaultError.notFound(.tenant)
        }
        var keks: [UInt32: AESGCM] = [:]
        for keyRow in try keyring.rows("SELECT version, wrapped FROM tenant_keys WHERE tenant_id = ?", id) {
            guard let version = keyRow.int64(0), let wrapped = keyRow.blob(1) else { continue }
            let kek = try master.unwrap(wrapped, context: BindingContext.tenantKey(tenant: id, version: UInt32(version)))
            keks[UInt32(version)] = try AESGCM(key: kek)
        }
        guard !keks.isEmpty else { throw VaultError.corrupt("tenant without a key-encryption key") }
        let index = try HMACSHA256(key: try master.unwrap(wrappedIndex, context: BindingContext.indexKey(tenant: id)))
        let entry = TenantEntry(keys: TenantKeys(tenantID: id, name: name, keyEncryptionKeys: keks, index: index),
                                subjectSelfEdit: row.int64(2) == 1)
        tenants[name] = entry
        return entry
    }

    func tenantName(id: Int64) throws -> String? {
        try keyring.row("SELECT name FROM tenants WHERE id = ?", id)?.text(0)
    }

    // MARK: Subjects

    /// The row id of a tenant's subject, found by keyed hash; nil if it does not exist.
    func subjectID(_ subject: String, of tenant: TenantKeys) throws -> Int64? {
        try vault.row("SELECT id FROM subjects WHERE tenant_id = ? AND lookup = ?",
                      tenant.tenantID, try tenant.lookup(subject: subject))?.int64(0)
    }

    func requireSubject(_ subject: String, of tenant: TenantKeys) throws -> Int64 {
        guard let id = try subjectID(subject, of: tenant) else { throw VaultError.notFound(.subject) }
        return id
    }

    /// Inserts a new subject with a fresh random data key. Runs inside the caller's transaction.
    func insertSubject(_ subject: String, of tenant: TenantKeys) throws -> Int64 {
        let lookup = try tenant.lookup(subject: subject)
        let sealedName = try Envelope.seal(Array(subject.utf8), using: tenant.current, keyVersion: tenant.currentVersion,
                                           context: BindingContext.subjectName(tenant: tenant.tenantID, lookup: lookup))
        try vault.run("INSERT INTO subjects (tenant_id, lookup, sealed_name, created_at) VALUES (?, ?, ?, ?)",
                      tenant.tenantID, lookup, sealedName, Self.now())
        let id = vault.lastInsertRowID
        uncommittedSubjects.append((tenant.tenantID, id))
        let dataKey = try SymmetricKey.random()
        let wrapped = try KeyWrap.wrap(dataKey, under: tenant.current, kekVersion: tenant.currentVersion,
                                       context: BindingContext.dataKey(tenant: tenant.tenantID, subject: id, version: 1))
        try vault.run("INSERT INTO data_keys (subject_id, version, wrapped) VALUES (?, 1, ?)", id, wrapped)
        return id
    }

    /// The subject's unwrapped data keys, from the cache or the vault.
    func subjectKeys(_ subject: Int64, of tenant: TenantKeys) throws -> SubjectKeys {
        if let cached = dataKeys.get(subject, tenant: tenant.tenantID) { return cached }
        var keys: [UInt32: AESGCM] = [:]
        for row in try vault.rows("SELECT version, wrapped FROM data_keys WHERE subject_id = ?", subject) {
            guard let version = row.int64(0), let wrapped = row.blob(1) else { continue }
            let key = try KeyWrap.unwrap(wrapped, context: BindingContext.dataKey(tenant: tenant.tenantID, subject: subject, version: UInt32(version))) {
                (kekVersion) throws(CryptoError) in try tenant.keyEncryptionKey(kekVersion)
            }
            keys[UInt32(version)] = try AESGCM(key: key)
        }
        guard !keys.isEmpty else { throw VaultError.corrupt("subject without a data key") }
        let subjectKeys = SubjectKeys(keys: keys)
        dataKeys.put(subjectKeys, tenant: tenant.tenantID, for: subject)
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

    func sealValue(_ value: String, field: String, subject: Int64, keys: SubjectKeys, tenant: TenantKeys) throws -> [UInt8] {
        try Envelope.seal(Array(value.utf8), using: keys.current, keyVersion: keys.currentVersion,
                          context: BindingContext.field(tenant: tenant.tenantID, subject: subject, field: field))
    }

    func openValue(_ sealed: [UInt8], field: String, subject: Int64, keys: SubjectKeys, tenant: TenantKeys) throws -> String {
        let bytes = try Envelope.open(sealed, context: BindingContext.field(tenant: tenant.tenantID, subject: subject, field: field)) {
            (version) throws(CryptoError) in try keys.key(version)
        }
        return bytes.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    static func now() -> Int64 { Int64(time(nil)) }
}
