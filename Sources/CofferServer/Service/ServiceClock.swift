import Foundation

/// The wall clock the server's per-minute accounting reads (failed `AUTH`s per address and
/// minute, the retention of source addresses). Tests pass their own to move time on without
/// waiting for it.
public struct ServiceClock: Sendable {
    /// Seconds since 1970.
    public let now: @Sendable () -> Double

    public init(now: @escaping @Sendable () -> Double) {
        self.now = now
    }

    /// The system's clock.
    public static let system = ServiceClock { Date().timeIntervalSince1970 }

    /// Whole seconds since 1970.
    var second: Int64 { Int64(now().rounded(.down)) }
}
