import CofferCrypto
import Dispatch
import Synchronization

/// The vault engine: tenants, subjects and their encrypted fields, tokens and crypto-shredding.
///
/// Thread-safe. Every call is synchronous and blocking (SQLite and fsync), so call it from the
/// connection threads, never from the Swift concurrency pool. Each write is one transaction,
/// durable (`synchronous=FULL`) when the call returns.
///
/// Key hierarchy: the master key (a file, never in a database) wraps each tenant's
/// key-encryption key and index key (keyring database); a tenant's key-encryption key wraps each
/// subject's data key (vault database); a data key seals the subject's field values. Every key is
/// random, so destroying one destroys exactly what it protects.
///
/// Methods that change something take an optional `AuditEvent`: when given, its audit record is
/// written in the same transaction as the change (see `VaultCore+Audit.swift`).
public final class Vault: Sendable {
    private let core: Mutex<VaultCore>
    private let epoch = Atomic<UInt64>(0)
    private let purgeQueue = DispatchQueue(label: "coffer.vault.purge")

    /// Opens (creating where allowed) the databases and the master key, and resumes any purge
    /// of shredded tenants that a previous run did not finish.
    public init(configuration: VaultConfiguration) throws(VaultError) {
        do {
            core = Mutex(try VaultCore(configuration: configuration))
        } catch {
            throw Self.vaultError(error)
        }
        schedulePurge()
    }

    // MARK: Tenants

    /// Creates a tenant; returns its administrator token, which is stored only as a digest.
    public func createTenant(_ name: String, audit: AuditEvent? = nil) throws(VaultError) -> String {
        try withCore(audit: audit) { try $0.createTenant(name) }
    }

    /// All tenants, sorted by name, with their subject counts.
    public func listTenants() throws(VaultError) -> [TenantSummary] {
        try withCore { try $0.listTenants() }
    }

    /// Crypto-shreds a tenant: its keys are destroyed before this returns, which makes all of its
    /// data unreadable at once; the now unreadable rows are deleted in the background.
    public func shredTenant(_ name: String, audit: AuditEvent? = nil) throws(VaultError) {
        let detachedKeys = try withCore(audit: audit) { try $0.shredTenant(name) }
        epoch.add(1, ordering: .sequentiallyConsistent)
        // The cached keys are unreachable already; wiping their memory can wait for the purge.
        purgeQueue.async { withExtendedLifetime(detachedKeys) {} }
        schedulePurge()
    }

    /// Waits until the background purge of shredded tenants' rows has finished.
    public func waitForPurge() {
        purgeQueue.sync {}
    }

    public func subjectSelfEdit(tenant: String) throws(VaultError) -> Bool {
        try withCore { try $0.tenant(tenant).subjectSelfEdit }
    }

    public func setSubjectSelfEdit(tenant: String, enabled: Bool, audit: AuditEvent? = nil) throws(VaultError) {
        try withCore(audit: audit) { try $0.setSubjectSelfEdit(tenant: tenant, enabled: enabled) }
    }

    // MARK: Subjects

    public func addSubject(_ subject: String, tenant: String, audit: AuditEvent? = nil) throws(VaultError) {
        try withCore(audit: audit) { try $0.addSubject(subject, tenant: tenant) }
    }

    /// Up to `limit` subjects sorted by the bytes of their identifiers, starting after `after`.
    public func listSubjects(tenant: String, after: String? = nil, limit: Int = 1000) throws(VaultError) -> [String] {
        try withCore { try $0.listSubjects(tenant: tenant, after: after, limit: limit) }
    }

    /// Crypto-shreds one subject: its data key, fields and token are deleted in one transaction.
    public func shredSubject(_ subject: String, tenant: String, audit: AuditEvent? = nil) throws(VaultError) {
        try withCore(audit: audit) { try $0.shredSubject(subject, tenant: tenant) }
        epoch.add(1, ordering: .sequentiallyConsistent)
    }

    // MARK: Fields

    /// Sets every pair or none. With `createSubject` a new subject is created along with them.
    public func set(subject: String, pairs: [FieldValue], tenant: String, createSubject: Bool, audit: AuditEvent? = nil) throws(VaultError) {
        try withCore(audit: audit) { try $0.set(subject: subject, pairs: pairs, tenant: tenant, createSubject: createSubject) }
    }

    public func get(subject: String, field: String, tenant: String) throws(VaultError) -> String {
        try withCore { try $0.get(subject: subject, field: field, tenant: tenant) }
    }

    public func delete(subject: String, field: String, tenant: String, audit: AuditEvent? = nil) throws(VaultError) {
        try withCore(audit: audit) { try $0.delete(subject: subject, field: field, tenant: tenant) }
    }

    /// All fields of a subject, sorted by field name.
    public func export(subject: String, tenant: String) throws(VaultError) -> [FieldValue] {
        try withCore { try $0.export(subject: subject, tenant: tenant) }
    }

    /// The tenant's subjects whose `field` equals `value` exactly, sorted by their bytes (`FIND`).
    public func find(field: String, value: String, tenant: String) throws(VaultError) -> [String] {
        try withCore { try $0.find(field: field, value: value, tenant: tenant) }
    }

    // MARK: Erasure requests

    /// Records the subject's request to be erased; asking again keeps the first request.
    public func requestErasure(subject: String, tenant: String, audit: AuditEvent? = nil) throws(VaultError) {
        try withCore(audit: audit) { try $0.requestErasure(subject: subject, tenant: tenant) }
    }

    /// The tenant's pending erasure requests, oldest first. A subject shred removes its request.
    public func erasureRequests(tenant: String) throws(VaultError) -> [ErasureRequest] {
        try withCore { try $0.erasureRequests(tenant: tenant) }
    }

    // MARK: Tokens

    /// Issues a subject token, replacing the subject's earlier one.
    public func issueToken(subject: String, tenant: String, audit: AuditEvent? = nil) throws(VaultError) -> String {
        let token = try withCore(audit: audit) { try $0.issueToken(subject: subject, tenant: tenant) }
        epoch.add(1, ordering: .sequentiallyConsistent)
        return token
    }

    public func revokeToken(subject: String, tenant: String, audit: AuditEvent? = nil) throws(VaultError) {
        try withCore(audit: audit) { try $0.revokeToken(subject: subject, tenant: tenant) }
        epoch.add(1, ordering: .sequentiallyConsistent)
    }

    /// The keyed digest of a presented token: what sessions keep instead of the token.
    public func tokenDigest(_ token: some ContiguousByteSource) throws(VaultError) -> [UInt8] {
        let bytes = token.withByteBuffer { Array($0) }
        return try withCore { try $0.tokenDigest(bytes) }
    }

    /// Who holds the token with this digest now; nil once it is revoked, replaced or shredded.
    public func principal(forDigest digest: [UInt8]) throws(VaultError) -> Principal? {
        try withCore { try $0.principal(forDigest: digest) }
    }

    /// Makes the operator token known (read from its file at start-up); only its digest is kept.
    public func registerOperatorToken(_ token: some ContiguousByteSource) throws(VaultError) {
        let digest = try tokenDigest(token)
        try withCore { $0.operatorTokenDigest = digest }
    }

    /// Changes whenever a token may have stopped working (revoke, reissue, shred). Sessions
    /// re-check their principal only when it moved, which keeps authentication off the hot path.
    public var authEpoch: UInt64 { epoch.load(ordering: .sequentiallyConsistent) }

    // MARK: Plumbing

    /// Runs `body` on the engine under its lock. With an `audit` event, the event is recorded
    /// (result `ok`) in the same vault transaction as `body`'s changes: both happen or neither.
    func withCore<T: Sendable>(audit: AuditEvent? = nil, _ body: (VaultCore) throws -> T) throws(VaultError) -> T {
        let result: Result<T, VaultError> = core.withLock { core in
            do {
                guard let audit else { return .success(try body(core)) }
                let head = try core.beginAudited(audit)
                let value: T
                do { value = try body(core) } catch {
                    core.abortAudited()
                    throw error
                }
                try core.commitAudited(head)
                return .success(value)
            } catch {
                return .failure(Self.vaultError(error))
            }
        }
        return try result.get()
    }

    /// Deletes the rows of shredded tenants in small batches, releasing the lock between batches
    /// so that serving traffic is never blocked for long.
    private func schedulePurge() {
        purgeQueue.async { [self] in
            do {
                let tenants = try withCore { try $0.shreddedTenantIDs() }
                for tenant in tenants {
                    while try withCore({ try $0.purgeBatch(tenant: tenant, batch: 256) }) > 0 {}
                }
                if !tenants.isEmpty { try withCore { try $0.vault.checkpointTruncate() } }
            } catch {
                // The purge is retried at the next start-up; the data is unreadable either way.
                ServiceLog.warning("purge of shredded tenants interrupted: \(error)")
            }
        }
    }

    static func vaultError(_ error: any Error) -> VaultError {
        switch error {
        case let error as VaultError: return error
        case let error as SQLiteError: return .storage(error)
        case let error as CryptoError: return .crypto(error)
        case let error as SecretFile.Failure: return .keyFile(error)
        case let error as TransactionError<any Error>:
            switch error {
            case .sqlite(let error): return .storage(error)
            case .body(let error): return vaultError(error)
            }
        default: return .corrupt(String(describing: type(of: error)))
        }
    }
}
