import Foundation

/// A point on the monotonic clock, for bounding waits (wall-clock jumps do not move it).
public struct IODeadline: Sendable, Comparable {
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

    /// Seconds left (0 once passed), for waits that take a duration rather than a `poll`
    /// timeout (a condition variable's).
    public var remainingSeconds: Double {
        let now = DispatchTime.now().uptimeNanoseconds
        return uptimeNanoseconds > now ? Double(uptimeNanoseconds - now) / 1_000_000_000 : 0
    }

    /// Earlier deadlines sort first, so `min(a, b)` is the one that passes first.
    public static func < (lhs: IODeadline, rhs: IODeadline) -> Bool {
        lhs.uptimeNanoseconds < rhs.uptimeNanoseconds
    }
}
