/// Where the vault keeps its files, and its limits.
public struct VaultConfiguration: Sendable {
    /// Directory of the databases (`keyring.db`, `vault.db`); created 0700 if missing.
    public var dataDirectory: String
    /// Path of the master key file.
    public var masterKeyPath: String
    /// Create the master key when it is missing *and* the data directory holds no databases yet.
    /// A missing master key next to existing databases is always an error: the data would be lost.
    public var createMissingMasterKey: Bool
    /// Largest accepted value, in bytes of UTF-8.
    public var maxValueBytes: Int
    /// Most fields one subject may hold (`limits.maxFieldsPerSubject`): a `SET` that would give it
    /// more is `INVALID`. Bounds what `EXPORT` answers and what one subject can make the vault store.
    public var maxFieldsPerSubject: Int
    /// How many subjects' unwrapped data keys stay cached in memory.
    public var dataKeyCacheSize: Int
    /// Encryptions after which a key is replaced automatically. AES-GCM with random 96-bit nonces
    /// must stay well below 2^32 encryptions per key; the default is 2^30. Tests lower it.
    public var nonceBudget: Int64 = 1 << 30
    /// Reader connections (pairs of keyring and vault connections) open at most; reads beyond
    /// that wait for a free one.
    public var maximumReaders: Int = 8
    /// Pause between batches of the background re-encryption job, so serving traffic keeps
    /// priority over it.
    public var reencryptionPauseMilliseconds: Int = 2
    /// When set, the server rotates every tenant key that is older than this many seconds
    /// (checked at most hourly, after writes); nil: tenant keys rotate only on request or at
    /// their nonce budget.
    public var tenantKeyRotationSeconds: Int64?
    /// How often the scheduled rotations are looked for; tests set 0.
    var rotationCheckIntervalSeconds: Int64 = 3600
    /// How long an enrollment token of an unclaimed tenant works (default a week).
    public var enrollmentTokenLifetimeSeconds: Int64 = 7 * 86400
    /// How long a pending administrator or operator token works before its first `AUTH`.
    public var pendingTokenLifetimeSeconds: Int64 = 7 * 86400
    /// Audit records older than this many seconds are pruned (checked hourly).
    public var auditRetentionSeconds: Int64
    /// Subjects per page of `SUBJECT LIST` and `FIND` (the contract's 1000; tests page smaller).
    var listingPageSize = 1000
    /// The clock of the audit trail (seconds since 1970); tests replace it to age records.
    var auditClock: @Sendable () -> Int64 = { VaultCore.now() }

    public init(dataDirectory: String, masterKeyPath: String, createMissingMasterKey: Bool = true,
                maxValueBytes: Int = 16384, maxFieldsPerSubject: Int = 1000, dataKeyCacheSize: Int = 10_000, auditRetentionSeconds: Int64 = 365 * 86400) {
        self.dataDirectory = dataDirectory
        self.masterKeyPath = masterKeyPath
        self.createMissingMasterKey = createMissingMasterKey
        self.maxValueBytes = maxValueBytes
        self.maxFieldsPerSubject = maxFieldsPerSubject
        self.dataKeyCacheSize = dataKeyCacheSize
        self.auditRetentionSeconds = auditRetentionSeconds
    }

    var keyringPath: String { dataDirectory + "/keyring.db" }
    var vaultPath: String { dataDirectory + "/vault.db" }
}
