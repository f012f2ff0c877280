import Foundation

/// A point on the monotonic clock that a wait must not pass.
public struct PostgresDeadline: Sendable, Comparable {
    let uptimeNanoseconds: UInt64

    public init(secondsFromNow seconds: Double) {
        let clamped = seconds.isNaN ? 0 : min(max(seconds, 0), 10 * 365 * 86_400)
        uptimeNanoseconds = DispatchTime.now().uptimeNanoseconds + UInt64(clamped * 1_000_000_000)
    }

    private init(uptimeNanoseconds: UInt64) { self.uptimeNanoseconds = uptimeNanoseconds }

    public var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= uptimeNanoseconds }

    /// Seconds left (0 once passed).
    public var remainingSeconds: Double {
        let now = DispatchTime.now().uptimeNanoseconds
        return uptimeNanoseconds > now ? Double(uptimeNanoseconds - now) / 1_000_000_000 : 0
    }

    /// Milliseconds left, rounded up, clamped to what `poll` accepts.
    var remainingMilliseconds: Int32 {
        let now = DispatchTime.now().uptimeNanoseconds
        guard uptimeNanoseconds > now else { return 0 }
        return Int32(min((uptimeNanoseconds - now + 999_999) / 1_000_000, UInt64(Int32.max)))
    }

    /// The earlier of two deadlines.
    public static func earliest(_ a: PostgresDeadline, _ b: PostgresDeadline) -> PostgresDeadline { min(a, b) }

    public static func < (lhs: PostgresDeadline, rhs: PostgresDeadline) -> Bool { lhs.uptimeNanoseconds < rhs.uptimeNanoseconds }
}
