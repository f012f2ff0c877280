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
