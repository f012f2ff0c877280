/// How long the pool waits before it tries to connect again after failures: exponential
/// (`initialSeconds` doubled per consecutive failure, at most `maximumSeconds`) with "equal
/// jitter" (a random point in the upper half), so that nodes that lost the server together do
/// not return together.
public struct PostgresBackoff: Sendable, Equatable {
    public var initialSeconds: Double
    public var maximumSeconds: Double

    public init(initialSeconds: Double = 0.1, maximumSeconds: Double = 2) {
        self.initialSeconds = initialSeconds
        self.maximumSeconds = maximumSeconds
    }

    /// The delay after `failures` consecutive failures (at least 1); `random` is in [0, 1).
    public func delay(afterFailures failures: Int, random: Double) -> Double {
        let exponent = Double(min(max(failures, 1) - 1, 30))
        let ceiling = min(maximumSeconds, initialSeconds * Double(1 << Int(exponent)))
        let unit = min(max(random, 0), 1)
        return ceiling / 2 + unit * ceiling / 2
    }
}
