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
