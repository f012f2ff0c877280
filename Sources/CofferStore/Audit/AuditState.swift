import CofferCrypto

/// The engine's audit state, owned by `VaultCore` under the engine lock.
struct AuditState {
    /// The MAC key of the chain (and of actor hashes): a service key wrapped under the master key.
    let chainKey: HMACSHA256
    /// The newest record appended; the next one is appended after it. Inside an open
    /// transaction it may not be committed yet (`writeTransaction` restores it on failure).
    var head: AuditHead
    /// The head last written to the keyring.
    var recordedHead: AuditHead
    /// Where the head is kept in the keyring.
    let headStore: AuditHeadStore
    /// Tenants' unwrapped audit keys (every version), by tenant id; dropped by a tenant shred.
    var tenantKeys: [Int64: TenantAuditKeys] = [:]
    /// When the next retention pruning is due (seconds since 1970).
    var nextPrune: Int64 = 0
    /// A subject shred inside an audited transaction checkpoints the vault WAL after the commit
    /// (a checkpoint cannot run inside a write transaction).
    var checkpointVaultAfterCommit = false

    /// Seconds between two retention prunings.
    static let pruneInterval: Int64 = 3600

    init(chainKey: HMACSHA256, head: AuditHead, headStore: AuditHeadStore) {
        self.chainKey = chainKey
        self.head = head
        self.recordedHead = head
        self.headStore = headStore
    }
}
