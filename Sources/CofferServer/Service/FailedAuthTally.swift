import CofferStore
import Synchronization

/// Counts failed `AUTH`s per source address and calendar minute, and hands over each minute's
/// counts once it is over: the service's trail gets one record per source and minute, not one
/// per failure, whatever the rate.
///
/// Thread-safe; O(1) per failure. Memory and the trail's growth are bounded: at most `capacity`
/// sources are counted one by one in a minute, the failures of any further source are counted
/// together (a record without an address), so a minute costs at most `capacity + 1` records
/// (about 250 KB) whatever the rate of failures and the number of addresses.
final class FailedAuthTally: Sendable {
    /// The counts of one minute.
    struct Minute: Equatable {
        /// Seconds since 1970 at the start of the minute.
        let start: Int64
        /// One count per source, in no particular order.
        let counts: [FailedAuthenticationCount]

        var failures: Int { counts.reduce(0) { $0 + $1.failures } }
        var refused: Int { counts.reduce(0) { $0 + $1.refused } }
    }

    let capacity: Int

    private struct Count {
        var failures = 0
        var refused = 0
    }

    private struct State {
        /// The minute being counted (seconds since 1970 / 60).
        var minute: Int64?
        var bySource: [ClientAddress: Count] = [:]
        var others = Count()
    }

    private let state = Mutex(State())

    init(capacity: Int = 1_000) {
        self.capacity = capacity
    }

    /// Counts a failure from `address` (nil: not an IP address) at `second`; `refused` when it was
    /// refused by the per-address limit. Returns the counts of the previous minute when this
    /// failure is the first of a later minute.
    func add(_ address: ClientAddress?, refused: Bool, at second: Int64) -> Minute? {
        state.withLock { state in
            let minute = Self.minute(of: second)
            var finished: Minute?
            if let current = state.minute, minute > current {
                finished = Self.take(&state)
            }
            if state.minute == nil || minute > state.minute! { state.minute = minute }
            if let address, state.bySource[address] != nil || state.bySource.count < capacity {
                state.bySource[address, default: Count()].failures += 1
                if refused { state.bySource[address]!.refused += 1 }
            } else {
                state.others.failures += 1
                if refused { state.others.refused += 1 }
            }
            return finished
        }
    }

    /// The counts so far if their minute ended before `second`.
    func takeFinished(at second: Int64) -> Minute? {
        state.withLock { state in
            guard let current = state.minute, Self.minute(of: second) > current else { return nil }
            return Self.take(&state)
        }
    }

    /// The counts so far, whether or not their minute is over (at shutdown).
    func takeAll() -> Minute? {
        state.withLock { Self.take(&$0) }
    }

    private static func take(_ state: inout State) -> Minute? {
        guard let minute = state.minute else { return nil }
        var counts = state.bySource.map { FailedAuthenticationCount(source: $0.key.description, failures: $0.value.failures, refused: $0.value.refused) }
        if state.others.failures > 0 {
            counts.append(FailedAuthenticationCount(source: nil, failures: state.others.failures, refused: state.others.refused))
        }
        state = State()
        return Minute(start: minute * 60, counts: counts)
    }

    private static func minute(of second: Int64) -> Int64 {
        second >= 0 ? second / 60 : (second + 1) / 60 - 1
    }
}
