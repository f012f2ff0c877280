import CofferCrypto
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The vault engine: tenants, subjects and their encrypted fields, tokens and crypto-shredding.
///
/// Thread-safe. Every call is synchronous and blocking (SQLite and fsync), so call it from the
/// connection threads, never from the Swift concurrency pool. Writes go to one writer thread
/// that commits concurrent writes together (group commit, `WriteQueue`); each is durable
/// (`synchronous=FULL`) when its call returns. Reads run on a pool of reader connections
/// beside the writer (`ReaderPool`).
///
/// Key hierarchy: the master key (a file, never in a database) wraps each tenant's
/// key-encryption key and index key (keyring database); a tenant's key-encryption key wraps each
/// subject's data key (vault database); a data key seals the subject's field values. Every key is
/// random, so destroying one destroys exactly what it protects.
///
/// Methods that change something take an optional `AuditEvent`: when given, its audit record is
/// written in the same transaction as the change (see `VaultCore+Audit.swift`).
public final class Vault: Sendable {
    private let writer: WriteQueue
    private let readers: ReaderPool
    /// Checkpoints the vault WAL beside the writer and retries WAL truncations a reader held up
    /// (nil if the writer has no WAL monitor).
    private let checkpointer: WALCheckpointer?
    private let keyState: KeyState
    private let tokenKey: HMACSHA256
    /// The audit trail's clock (replaceable in tests through the configuration).
    let auditClock: @Sendable () -> Int64
    private let epoch = Atomic<UInt64>(0)
    /// Background work that yields to traffic: purging shredded tenants, re-encryption.
    private let purgeQueue = DispatchQueue(label: "coffer.vault.maintenance")
    /// Key rotations, one at a time (from commands, from the nonce budget, and at start-up).
    private let rotationQueue = DispatchQueue(label: "coffer.vault.rotation")
    private let pauseBetweenBatches: UInt32
    /// Keys that reached their nonce budget, noted by the writer, rotated on `rotationQueue`.
    private let budgetRotations: BudgetRotations
    /// Set by `close()`: background loops stop at their next batch.
    private let closing = Atomic<Bool>(false)
    /// Seconds after which a tenant key is rotated by the server (nil: only on request).
    private let rotationPeriod: Int64?
    /// When the scheduled rotations are checked next (seconds since 1970).
    private let nextRotationCheck = Atomic<Int64>(0)
    private let rotationCheckInterval: Int64

    /// Opens (creating where allowed) the databases and the master key, and resumes any purge
    /// of shredded tenants that a previous run did not finish.
    public init(configuration: VaultConfiguration) throws(VaultError) {
        OpenSSLRuntime.disableCleanupAtExit()
        let core: VaultCore
        do {
            core = try VaultCore(configuration: configuration)
        } catch {
            throw Self.vaultError(error)
        }
        keyState = core.keyState
        tokenKey = core.tokenKey
        auditClock = configuration.auditClock
        // Readers copy what they share before the writer thread takes the core over; their
        // connections are opened lazily, after the writer has migrated the schema.
        let readerSource = ReaderSource(writer: core)
        checkpointer = core.walMonitor.map {
            WALCheckpointer(path: configuration.vaultPath, monitor: $0, lock: core.vaultCheckpointLock, truncations: core.pendingTruncations)
        }
        readers = ReaderPool(maximumReaders: configuration.maximumReaders) { try readerSource.makeReader() }
        let due = BudgetRotations()
        writer = WriteQueue(core: core) { core in
            if core.masterOverBudget || !core.tenantsOverBudget.isEmpty {
                due.add(master: core.masterOverBudget, tenants: core.tenantsOverBudget)
                core.masterOverBudget = false
                core.tenantsOverBudget = []
            }
        }
        budgetRotations = due
        pauseBetweenBatches = UInt32(max(0, configuration.reencryptionPauseMilliseconds)) * 1000
        rotationPeriod = configuration.tenantKeyRotationSeconds
        rotationCheckInterval = configuration.rotationCheckIntervalSeconds
        schedulePurge()
        resumeUnfinishedRotations()
        scheduleReencryption()
    }

    // MARK: Tenants

    /// Creates an unclaimed tenant; returns its one-time enrollment token (stored only as a
    /// digest), which the tenant exchanges for its administrator token (`claimTenant`).
    public func createTenant(_ name: String, audit: AuditEvent? = nil) throws(VaultError) -> String {
        try write(audit: audit) { try $0.createTenant(name) }
    }

    /// A new enrollment token for an unclaimed tenant (`EXISTS` once claimed); the earlier
    /// one and the sessions that used it stop working.
    public func enrollTenant(_ name: String, audit: AuditEvent? = nil) throws(VaultError) -> String {
        defer { epoch.add(1, ordering: .sequentiallyConsistent) }
        return try write(audit: audit) { try $0.enrollTenant(name) }
    }

    /// `TENANT CLAIM`: a pending administrator token, which takes over at its first `AUTH`.
    public func claimTenant(_ tenant: TenantRef, audit: AuditEvent? = nil) throws(VaultError) -> String {
        try write(audit: audit) { try $0.claimTenant(tenant) }
    }

    /// `ADMIN ROTATE`: a pending administrator token; the current one works until its first use.
    public func rotateAdminToken(_ tenant: TenantRef, audit: AuditEvent? = nil) throws(VaultError) -> String {
        try write(audit: audit) { try $0.rotateAdminToken(tenant) }
    }

    /// `OPERATOR ROTATE`: a pending operator token; the current one works until its first use.
    public func rotateOperatorToken(audit: AuditEvent? = nil) throws(VaultError) -> String {
        try write(audit: audit) { try $0.rotateOperatorToken() }
    }

    /// All tenants, sorted by name, with their subject counts.
    public func listTenants() throws(VaultError) -> [TenantSummary] {
        try read { try $0.listTenants() }
    }

    /// Crypto-shreds a tenant: its keys are destroyed before this returns, which makes all of its
    /// data unreadable at once; the now unreadable rows are deleted in the background.
    /// The auth epoch advances even when the shred fails half-way (its keyring part committed,
    /// the audit's vault commit not): sessions re-check their tokens either way.
    public func shredTenant(_ tenant: TenantRef, audit: AuditEvent? = nil) throws(VaultError) {
        defer { epoch.add(1, ordering: .sequentiallyConsistent) }
        let detachedKeys = try write(audit: audit) { try $0.shredTenant(tenant) }
        // The cached keys are unreachable already; wiping their memory can wait for the purge.
        purgeQueue.async { withExtendedLifetime(detachedKeys) {} }
        schedulePurge()
    }

    /// Waits until the background purge of shredded tenants' rows has finished.
    public func waitForPurge() {
        purgeQueue.sync {}
    }


    /// The row id of the tenant's subject with this identifier now; nil if there is none.
    public func subjectRowID(_ subject: String, tenant: TenantRef) throws(VaultError) -> Int64? {
        try read { core in try core.subjectRef(subject, of: try core.tenant(tenant).keys)?.id }
    }

    public func subjectSelfEdit(tenant: TenantRef) throws(VaultError) -> Bool {
        try read { try $0.tenant(tenant).subjectSelfEdit }
    }

    public func setSubjectSelfEdit(tenant: TenantRef, enabled: Bool, audit: AuditEvent? = nil) throws(VaultError) {
        try write(audit: audit) { try $0.setSubjectSelfEdit(tenant: tenant, enabled: enabled) }
    }

    // MARK: Subjects

    public func addSubject(_ subject: String, tenant: TenantRef, audit: AuditEvent? = nil) throws(VaultError) {
        try write(groupable: true, audit: audit) { try $0.addSubject(subject, tenant: tenant) }
    }

    /// One page of the tenant's subjects (`SUBJECT LIST`): the first without a cursor, else the
    /// one after the page whose `next` it is. A cursor of another tenant or listing is `invalid`.
    public func listSubjects(tenant: TenantRef, cursor: String? = nil) throws(VaultError) -> SubjectPage {
        try read { try $0.listSubjects(tenant: tenant, cursor: cursor) }
    }

    /// Crypto-shreds one subject: its data key, fields and token are deleted in one transaction.
    public func shredSubject(_ subject: String, tenant: TenantRef, audit: AuditEvent? = nil) throws(VaultError) {
        defer { epoch.add(1, ordering: .sequentiallyConsistent) }
        try write(audit: audit) { try $0.shredSubject(subject, tenant: tenant) }
    }

    // MARK: Fields

    /// Sets every pair or none. With `createSubject` a new subject is created along with them.
    public func set(subject: String, pairs: [FieldValue], tenant: TenantRef, createSubject: Bool, audit: AuditEvent? = nil) throws(VaultError) {
        try startSet(subject: subject, pairs: pairs, tenant: tenant, createSubject: createSubject, audit: audit).wait()
    }

    public func get(subject: String, field: String, tenant: TenantRef) throws(VaultError) -> String {
        try read { try $0.get(subject: subject, field: field, tenant: tenant) }
    }

    /// `set(subject:pairs:tenant:createSubject:audit:)` without waiting: the write is queued
    /// behind those already handed to the writer, and `wait()` on the result returns once it is
    /// durable. This is how a connection's pipelined writes share one group commit.
    public func startSet(subject: String, pairs: [FieldValue], tenant: TenantRef, createSubject: Bool,
                         audit: AuditEvent? = nil) -> PendingWrite {
        // Sealing runs here, on a reader beside the writer. Any failure only means the writer
        // does it all itself, and reports what fails there.
        let prepared = (try? read { try $0.prepareSet(subject: subject, pairs: pairs, tenant: tenant) }) ?? nil
        return startWrite(groupable: true, audit: audit) {
            try $0.set(subject: subject, pairs: pairs, tenant: tenant, createSubject: createSubject, prepared: prepared)
        }
    }

    public func delete(subject: String, field: String, tenant: TenantRef, audit: AuditEvent? = nil) throws(VaultError) {
        try startDelete(subject: subject, field: field, tenant: tenant, audit: audit).wait()
    }

    /// `delete(subject:field:tenant:audit:)` without waiting (see `startSet`).
    public func startDelete(subject: String, field: String, tenant: TenantRef, audit: AuditEvent? = nil) -> PendingWrite {
        startWrite(groupable: true, audit: audit) { try $0.delete(subject: subject, field: field, tenant: tenant) }
    }

    /// All fields of a subject, sorted by field name.
    public func export(subject: String, tenant: TenantRef) throws(VaultError) -> [FieldValue] {
        try read { try $0.export(subject: subject, tenant: tenant) }
    }

    /// One page of the tenant's subjects whose `field` equals `value` exactly (`FIND`), paged as
    /// `listSubjects`.
    public func find(field: String, value: String, tenant: TenantRef, cursor: String? = nil) throws(VaultError) -> SubjectPage {
        try read { try $0.find(field: field, value: value, tenant: tenant, cursor: cursor) }
    }

    // MARK: Erasure requests

    /// Records the subject's request to be erased; asking again keeps the first request.
    public func requestErasure(subject: String, tenant: TenantRef, audit: AuditEvent? = nil) throws(VaultError) {
        try write(groupable: true, audit: audit) { try $0.requestErasure(subject: subject, tenant: tenant) }
    }

    /// The tenant's pending erasure requests, oldest first. A subject shred removes its request.
    public func erasureRequests(tenant: TenantRef) throws(VaultError) -> [ErasureRequest] {
        try read { try $0.erasureRequests(tenant: tenant) }
    }

    // MARK: Tokens

    /// Issues a subject token, replacing the subject's earlier one.
    public func issueToken(subject: String, tenant: TenantRef, audit: AuditEvent? = nil) throws(VaultError) -> String {
        defer { epoch.add(1, ordering: .sequentiallyConsistent) }
        return try write(groupable: true, audit: audit) { try $0.issueToken(subject: subject, tenant: tenant) }
    }

    public func revokeToken(subject: String, tenant: TenantRef, audit: AuditEvent? = nil) throws(VaultError) {
        defer { epoch.add(1, ordering: .sequentiallyConsistent) }
        try write(groupable: true, audit: audit) { try $0.revokeToken(subject: subject, tenant: tenant) }
    }

    /// The keyed digest of a presented token: what sessions keep instead of the token.
    public func tokenDigest(_ token: some ContiguousByteSource) throws(VaultError) -> [UInt8] {
        do { return try tokenKey.authenticate(token) } catch { throw .crypto(error) }
    }

    /// Who holds the token with this digest now; nil once it is revoked, replaced, expired or
    /// shredded. For re-checking a session; `AUTH` uses `authenticate(digest:)`.
    public func principal(forDigest digest: [UInt8]) throws(VaultError) -> Principal? {
        try read { try $0.lookUpToken(digest: digest)?.principal }
    }

    /// `AUTH`: who the token's holder is. A pending token's first use activates it (a write):
    /// the tokens it replaces stop working, with the sessions that used them.
    public func authenticate(digest: [UInt8]) throws(VaultError) -> Principal? {
        guard let match = try read({ try $0.lookUpToken(digest: digest) }) else { return nil }
        guard match.pending else { return match.principal }
        defer { epoch.add(1, ordering: .sequentiallyConsistent) }
        return try write { try $0.activateCredential(digest: digest) }
    }

    /// Makes the token of the operator token file the operator's credential (at start-up); only
    /// its digest is kept.
    public func registerOperatorToken(_ token: some ContiguousByteSource) throws(VaultError) {
        let digest = try tokenDigest(token)
        defer { epoch.add(1, ordering: .sequentiallyConsistent) }
        try write { try $0.registerOperatorToken(digest: digest) }
    }

    /// Changes whenever a token may have stopped working (revoke, reissue, shred). Sessions
    /// re-check their principal only when it moved, which keeps authentication off the hot path.
    public var authEpoch: UInt64 { epoch.load(ordering: .sequentiallyConsistent) }

    // MARK: Statistics

    /// Write statistics since the vault was opened: jobs run by the writer, transactions it
    /// committed for them, and the largest group commit. Group commit shows as fewer
    /// transactions than jobs.
    public var writeStatistics: (jobs: Int, transactions: Int, largestGroup: Int) {
        (writer.completedJobs.load(ordering: .relaxed), writer.committedTransactions.load(ordering: .relaxed),
         writer.largestGroup.load(ordering: .relaxed))
    }

    /// WAL checkpoints the background checkpointer has run since the vault was opened.
    public var backgroundCheckpoints: Int { checkpointer?.checkpoints.load(ordering: .relaxed) ?? 0 }

    // MARK: Rotation

    /// Replaces the master key: every tenant key is rewrapped under the new version, then the
    /// old version is removed from the key file. Returns the new version.
    public func rotateMasterKey() throws(VaultError) -> UInt32 {
        let result: Result<UInt32, VaultError> = rotationQueue.sync {
            Result { () throws(VaultError) in try write { try $0.rotateMaster() } }
        }
        return try result.get()
    }

    /// Replaces a tenant's key-encryption key: every subject key is rewrapped under the new
    /// version in batches (other requests run between batches), then the old version is
    /// destroyed. Returns the new version.
    public func rotateTenantKey(_ ref: TenantRef) throws(VaultError) -> UInt32 {
        let tenant = ref.name
        let result: Result<UInt32, VaultError> = rotationQueue.sync {
            Result { () throws(VaultError) in
                let version = try write { core in
                    _ = try core.tenant(ref)  // the very tenant the session authenticated with
                    return try core.beginTenantKeyRotation(tenant)
                }
                try finishTenantKeyRotation(tenant)
                return version
            }
        }
        return try result.get()
    }

    /// Rewraps what is left under older versions, then retires them. Runs on `rotationQueue`.
    private func finishTenantKeyRotation(_ tenant: String) throws(VaultError) {
        var cursor: Int64 = 0
        while let last = try write({ try $0.rewrapTenantBatch(tenant, after: cursor, limit: 2000) }) { cursor = last }
        try write { try $0.retireOldTenantKeys(tenant) }
    }

    /// Starts re-encrypting every value under fresh data keys, for one tenant or (nil) all of
    /// them, as a background job. Returns the number of tenants whose job started.
    public func startReencryption(tenant: TenantRef?) throws(VaultError) -> Int {
        let count = try write { core in
            if let tenant { _ = try core.tenant(tenant) }
            let names = try tenant.map { [$0.name] } ?? core.listTenants().map(\.name)
            for name in names { try core.startReencryption(name) }
            return names.count
        }
        scheduleReencryption()
        return count
    }

    /// Progress of the re-encryption of one tenant, or of all tenants when `tenant` is nil.
    public func reencryptionStatus(tenant: TenantRef?) throws(VaultError) -> ReencryptionStatus {
        try read { core in
            if let tenant { _ = try core.tenant(tenant) }
            return try core.reencryptionStatus(tenant?.name)
        }
    }

    /// Stops background work at its next batch boundary (an unfinished purge or re-encryption
    /// resumes at the next start) and waits for it. Call before the process exits.
    public func close() {
        closing.store(true, ordering: .sequentiallyConsistent)
        waitForMaintenance()
        checkpointer?.stop()
        writer.stop()
    }

    deinit {
        checkpointer?.stop()
        writer.stop()
    }

    /// Waits until background re-encryption and rotations queued so far have finished.
    public func waitForMaintenance() {
        rotationQueue.sync {}
        purgeQueue.sync {}
    }

    private func scheduleReencryption() {
        purgeQueue.async { [self] in
            do {
                while !closing.load(ordering: .relaxed), try write({ try $0.reencryptBatch(limit: 32) }) {
                    if pauseBetweenBatches > 0 { usleep(pauseBetweenBatches) }
                }
            } catch {
                // The job keeps its cursor; it resumes at the next start or the next DATA ROTATE.
                ServiceLog.warning("re-encryption paused: \(error)")
            }
        }
    }

    /// Finishes rotations a crash interrupted: tenants that still have more than one key.
    private func resumeUnfinishedRotations() {
        rotationQueue.async { [self] in
            do {
                for tenant in try read({ try $0.tenantsWithUnfinishedKeyRotation() }) {
                    try finishTenantKeyRotation(tenant)
                }
            } catch {
                ServiceLog.warning("resuming a tenant key rotation failed: \(error)")
            }
        }
    }

    /// Starts the rotations that the nonce budget asks for.
    private func scheduleBudgetRotations(master: Bool, tenants: Set<String>) {
        rotationQueue.async { [self] in
            do {
                if master { _ = try write { try $0.rotateMaster() } }
                for tenant in tenants.sorted() {
                    _ = try write { try $0.beginTenantKeyRotation(tenant) }
                    try finishTenantKeyRotation(tenant)
                    ServiceLog.info("rotated the key of tenant \(tenant): it reached its encryption budget")
                }
            } catch {
                ServiceLog.warning("automatic key rotation failed: \(error)")
            }
        }
    }

    // MARK: Plumbing

    /// Runs a write on the writer thread; `groupable` writes share a group commit. With an
    /// `audit` event, its record is written in the same transaction as the change: both or neither.
    func write<T: Sendable>(groupable: Bool = false, audit: AuditEvent? = nil,
                            _ body: @escaping (VaultCore) throws -> T) throws(VaultError) -> T {
        try startWrite(groupable: groupable, audit: audit, body).wait() as! T
    }

    /// Hands a write to the writer without waiting for it; `PendingWrite.wait()` returns once it
    /// is durable.
    func startWrite<T: Sendable>(groupable: Bool = false, audit: AuditEvent? = nil,
                                 _ body: @escaping (VaultCore) throws -> T) -> PendingWrite {
        PendingWrite(job: writer.start(groupable: groupable) { core in try core.audited(audit) { try body(core) } }, vault: self)
    }

    /// After a write completed: starts the key rotations its nonce accounting asked for, and at
    /// most hourly the scheduled tenant-key rotations that are due.
    func writeCompleted() {
        if let due = budgetRotations.take() { scheduleBudgetRotations(master: due.master, tenants: due.tenants) }
        scheduleDueTenantKeyRotations()
    }

    /// With `tenantKeyRotationSeconds`, every tenant whose current key is older than that is
    /// rotated in the background: the server itself bounds P (docs/OPERATIONS.md), so nobody
    /// has to keep tenants' administrator tokens for a cron job.
    private func scheduleDueTenantKeyRotations() {
        guard let period = rotationPeriod else { return }
        let now = VaultCore.now()
        let next = nextRotationCheck.load(ordering: .relaxed)
        guard now >= next, nextRotationCheck.compareExchange(expected: next, desired: now + rotationCheckInterval, ordering: .relaxed).exchanged else { return }
        rotationQueue.async { [self] in
            do {
                for tenant in try read({ try $0.tenantsWithKeysOlderThan(now - period) }) where !closing.load(ordering: .relaxed) {
                    _ = try write { try $0.beginTenantKeyRotation(tenant) }
                    try finishTenantKeyRotation(tenant)
                    ServiceLog.info("rotated the key of tenant \(tenant): it was older than the configured rotation period")
                }
            } catch {
                ServiceLog.warning("scheduled tenant key rotation failed: \(error)")
            }
        }
    }

    /// Queues a write without waiting for it (records of commands that changed nothing); a
    /// failure is logged.
    func submit(_ body: @escaping (VaultCore) throws -> Void) {
        writer.submit(body)
    }

    /// Runs a read on a reader connection, beside the writer.
    func read<T: Sendable>(_ body: (VaultCore) throws -> T) throws(VaultError) -> T {
        do { return try readers.perform(body) } catch { throw Self.vaultError(error) }
    }

    /// Deletes the rows of shredded tenants in small batches, releasing the lock between batches
    /// so that serving traffic is never blocked for long.
    private func schedulePurge() {
        purgeQueue.async { [self] in
            do {
                let tenants = try write { try $0.shreddedTenantIDs() }
                for tenant in tenants {
                    while !closing.load(ordering: .relaxed), try write({ try $0.purgeBatch(tenant: tenant, batch: 256) }) > 0 {}
                }
                if !tenants.isEmpty { try write { $0.truncateWAL(of: $0.vault) } }
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
