import CofferCrypto

/// What a keyring database holds, read without any key: the tenants with their wrapped keys,
/// the wrapped service keys, and the highest tenant id it ever assigned.
///
/// Wrapped keys are ciphertext; reading them needs no secret. Only `VerificationKeys` unwraps.
struct KeyringContents {
    /// One tenant and its wrapped keys.
    struct Tenant {
        let id: Int64
        let name: String
        let wrappedIndexKey: [UInt8]
        /// Wrapped key-encryption keys by version.
        let wrappedKeys: [UInt32: [UInt8]]
        /// Wrapped audit keys by version, which seal the tenant's audit details; the first is
        /// created on first use.
        let wrappedAuditKeys: [UInt32: [UInt8]]
    }

    var tenants: [Int64: Tenant] = [:]
    /// Wrapped service keys by name (`token`).
    var wrappedServiceKeys: [String: [UInt8]] = [:]
    /// The highest tenant id the keyring ever assigned. Ids are AUTOINCREMENT and never reused,
    /// so a vault row whose tenant is absent from the keyring belongs to a shredded tenant when
    /// its id is at most this, and to a tenant this keyring never knew when it is above.
    var highestTenantID: Int64 = 0
    /// The newest audit record the keyring's audit head names (schema 3 and later).
    var auditHeadSeq: Int64?

    /// An empty keyring (no file, or a file without tables).
    static let empty = KeyringContents()

    /// Reads the keyring tables inside one read transaction.
    static func read(from keyring: Database) throws(SQLiteError) -> KeyringContents {
        var contents = KeyringContents()
        guard try keyring.row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tenants'")?.int64(0) == 1 else {
            return contents
        }
        try keyring.execute("BEGIN")
        defer { try? keyring.execute("COMMIT") }
        let wrappedKeys = try versionedKeys(keyring, "SELECT tenant_id, version, wrapped FROM tenant_keys")
        // Schema 5 versions the audit keys; schemas 3 and 4 kept one in `tenants.audit_key`,
        // which became version 1; older schemas (before the audit trail) have none.
        let wrappedAuditKeys: [Int64: [UInt32: [UInt8]]]
        if try keyring.row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tenant_audit_keys'")?.int64(0) == 1 {
            wrappedAuditKeys = try versionedKeys(keyring, "SELECT tenant_id, version, wrapped FROM tenant_audit_keys")
        } else if try keyring.rows("PRAGMA table_info(tenants)").contains(where: { $0.text(1) == "audit_key" }) {
            wrappedAuditKeys = try versionedKeys(keyring, "SELECT id, 1, audit_key FROM tenants WHERE audit_key IS NOT NULL")
        } else {
            wrappedAuditKeys = [:]
        }
        for row in try keyring.rows("SELECT id, name, index_key FROM tenants") {
            guard let id = row.int64(0), let name = row.text(1) else { continue }
            contents.tenants[id] = Tenant(id: id, name: name, wrappedIndexKey: row.blob(2) ?? [], wrappedKeys: wrappedKeys[id] ?? [:],
                                          wrappedAuditKeys: wrappedAuditKeys[id] ?? [:])
        }
        if try keyring.row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_head'")?.int64(0) == 1 {
            contents.auditHeadSeq = try keyring.row("SELECT seq FROM audit_head WHERE id = 1")?.int64(0)
        }
        for row in try keyring.rows("SELECT name, wrapped FROM service_keys") {
            if let name = row.text(0), let wrapped = row.blob(1) { contents.wrappedServiceKeys[name] = wrapped }
        }
        let sequence = try keyring.row("SELECT seq FROM sqlite_sequence WHERE name = 'tenants'")?.int64(0) ?? 0
        contents.highestTenantID = max(sequence, contents.tenants.keys.max() ?? 0)
        return contents
    }

    /// Wrapped keys by tenant id and version, from a query that selects those three columns.
    private static func versionedKeys(_ keyring: Database, _ sql: String) throws(SQLiteError) -> [Int64: [UInt32: [UInt8]]] {
        var keys: [Int64: [UInt32: [UInt8]]] = [:]
        for row in try keyring.rows(sql) {
            guard let tenant = row.int64(0), let version = row.int64(1).flatMap(UInt32.init(exactly:)), let wrapped = row.blob(2) else { continue }
            keys[tenant, default: [:]][version] = wrapped
        }
        return keys
    }

    /// Whether a vault row of tenant `id` can be read with this keyring.
    func classify(tenant id: Int64) -> TenantStatus {
        if tenants[id] != nil { return .live }
        return id <= highestTenantID ? .shredded : .unknown
    }

    /// What a vault row's tenant id means for this keyring.
    enum TenantStatus {
        /// The keyring holds the tenant's keys.
        case live
        /// The tenant existed and was shredded: its rows are unreadable, as intended.
        case shredded
        /// The keyring never had this tenant: it is older than the vault, or foreign.
        case unknown
    }

    /// Every wrapped key with a label for messages, in a stable order.
    var labelledWrappedKeys: [(label: String, wrapped: [UInt8])] {
        var all: [(String, [UInt8])] = wrappedServiceKeys.sorted { $0.key < $1.key }.map { ("service key \($0.key)", $0.value) }
        for tenant in tenants.values.sorted(by: { $0.id < $1.id }) {
            all.append(("index key of tenant \(tenant.name)", tenant.wrappedIndexKey))
            for (version, wrapped) in tenant.wrappedAuditKeys.sorted(by: { $0.key < $1.key }) {
                all.append(("audit key version \(version) of tenant \(tenant.name)", wrapped))
            }
            for (version, wrapped) in tenant.wrappedKeys.sorted(by: { $0.key < $1.key }) {
                all.append(("key-encryption key version \(version) of tenant \(tenant.name)", wrapped))
            }
        }
        return all
    }

    /// The master key versions named by the envelope headers of every wrapped key (ascending),
    /// and the labels of wrapped keys whose header cannot be read.
    func masterKeyVersions() -> (versions: [UInt32], unreadable: [String]) {
        var versions = Set<UInt32>()
        var unreadable: [String] = []
        for (label, wrapped) in labelledWrappedKeys {
            if let version = try? Envelope.keyVersion(of: wrapped), wrapped.count == KeyWrap.wrappedByteCount {
                versions.insert(version)
            } else {
                unreadable.append(label)
            }
        }
        return (versions.sorted(), unreadable)
    }
}
