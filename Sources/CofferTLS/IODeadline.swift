import Foundation

/// A point on the monotonic clock, for bounding waits (wall-clock jumps do not move it).
public struct IODeadline: Sendable {
    /// Nanoseconds on the monotonic clock.
    private let uptimeNanoseconds: UInt64

    /// The deadline `seconds` from now (negative or NaN counts as now).
    public init(secondsFromNow seconds: Double) {
        let clamped = seconds.isNaN ? 0 : min(max(seconds, 0), 10 * 365 * 86_400)
        uptimeNanoseconds = DispatchTime.now().uptimeNanoseconds + UInt64(clamped * 1_000_000_000)
    }

    /// True once the deadline has passed.
    public var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= uptimeNanoseconds }

    /// Milliseconds left, rounded up so that a wait never ends just before the deadline,
    /// and clamped to what `poll` accepts.
    public var remainingMilliseconds: Int32 {
        let now = DispatchTime.now().uptimeNanoseconds
        guard uptimeNanoseconds > now else { return 0 }
        let milliseconds = (uptimeNanoseconds - now + 999_999) / 1_000_000
        return Int32(min(milliseconds, UInt64(Int32.max)))
    }
}
