/// The failed `AUTH`s from one source address in one minute: what the server hands the vault
/// once the minute is over, to be recorded as one record of the service's trail.
public struct FailedAuthenticationCount: Sendable, Equatable {
    /// The source address as the per-address limits count it (an IPv4 address, or an IPv6 /64
    /// as `2001:db8:1:2::/64`); nil for the sources the server could not count one by one.
    public var source: String?
    /// How many `AUTH`s from that source failed in the minute.
    public var failures: Int
    /// Of those, how many were refused without looking the token up: the source was over
    /// `limits.maxFailedAuthPerAddressPerMinute`.
    public var refused: Int

    public init(source: String?, failures: Int, refused: Int = 0) {
        self.source = source
        self.failures = failures
        self.refused = refused
    }
}

/// One failed-`AUTH` record of the service's trail, read back (`Vault.failedAuthentications`).
public struct FailedAuthenticationRecord: Sendable, Equatable {
    /// Its place in the audit chain.
    public let seq: Int64
    /// The start of the minute it counts (seconds since 1970; the record's `time`).
    public let minute: Int64
    public let failures: Int
    public let refused: Int
    /// The source address while its key is kept; nil once the key has been destroyed (after
    /// the source-address retention), and for the sources that were not counted one by one.
    public let source: String?
    /// The record names a source whose key has been destroyed: the address is gone for good.
    public let sourceDestroyed: Bool
}
