/// The failed `AUTH`s of one client address in the last 60 seconds, counted in one-second
/// buckets: exact to the second, in constant memory whatever the limit or the rate.
struct FailureWindow {
    static let seconds = 60

    private var buckets = [UInt32](repeating: 0, count: FailureWindow.seconds)
    /// The failures in the buckets.
    private(set) var total = 0
    /// The newest second the buckets describe (seconds since 1970); the oldest is 59 before it.
    private(set) var newestSecond: Int64

    init(at second: Int64) {
        newestSecond = second
    }

    /// The failures in the minute up to and including `second`.
    mutating func count(at second: Int64) -> Int {
        advance(to: second)
        return total
    }

    /// Counts one failure at `second` (a clock that went back counts it in the newest second).
    mutating func add(at second: Int64) {
        advance(to: second)
        let index = Self.index(newestSecond)
        if buckets[index] < UInt32.max {
            buckets[index] += 1
            total += 1
        }
    }

    /// Empties the buckets that fall out of the window when it moves on to `second`.
    private mutating func advance(to second: Int64) {
        guard second > newestSecond else { return }
        if second - newestSecond >= Int64(Self.seconds) {
            for index in buckets.indices { buckets[index] = 0 }
            total = 0
        } else {
            for passed in (newestSecond + 1)...second {
                let index = Self.index(passed)
                total -= Int(buckets[index])
                buckets[index] = 0
            }
        }
        newestSecond = second
    }

    private static func index(_ second: Int64) -> Int {
        Int(((second % Int64(seconds)) + Int64(seconds)) % Int64(seconds))
    }
}
