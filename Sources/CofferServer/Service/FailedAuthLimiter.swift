import Synchronization

/// `limits.maxFailedAuthPerAddressPerMinute`: an address with that many failed `AUTH`s in the
/// last 60 seconds is refused further `AUTH`s (the token is not even looked up) until its
/// window has room again.
///
/// Thread-safe; every call is O(1) amortized. Memory is bounded: an address is tracked from its
/// first failure until its window is empty again (within two minutes of its last failure), and
/// at most `capacity` addresses at once. While that many are tracked, failures from further
/// addresses are not limited — refusing them instead would let a flood from many addresses lock
/// every newcomer out — but they are still counted and recorded (`FailedAuthTally`), and each
/// connection still closes after its third failure.
final class FailedAuthLimiter: Sendable {
    /// Failures allowed per address and minute; 0 turns the limit off.
    let limit: Int
    let capacity: Int

    private struct State {
        var windows: [ClientAddress: FailureWindow] = [:]
        /// Every tracked address once, with a second after which its window may have emptied.
        var checks = FIFOQueue<(address: ClientAddress, second: Int64)>()
    }

    private let state = Mutex(State())

    init(limit: Int, capacity: Int = 16_384) {
        self.limit = limit
        self.capacity = capacity
    }

    /// Addresses with failures in their window.
    var trackedAddresses: Int { state.withLock { $0.windows.count } }

    /// False when `address` had `limit` failures in the minute up to `second`.
    func admits(_ address: ClientAddress?, at second: Int64) -> Bool {
        guard limit > 0, let address else { return true }
        return state.withLock { state in
            Self.forgetEmptyWindows(&state, at: second)
            guard state.windows[address] != nil else { return true }
            return state.windows[address]!.count(at: second) < limit
        }
    }

    /// Counts a failed `AUTH` from `address` at `second`.
    func recordFailure(_ address: ClientAddress?, at second: Int64) {
        guard limit > 0, let address else { return }
        state.withLock { state in
            Self.forgetEmptyWindows(&state, at: second)
            if state.windows[address] == nil {
                guard state.windows.count < capacity else { return }
                state.windows[address] = FailureWindow(at: second)
                state.checks.append((address, second))
            }
            state.windows[address]!.add(at: second)
        }
    }

    /// Forgets the addresses whose window has emptied by `second` (the ticker calls it, so an
    /// address leaves memory within two minutes of its last failure even when no `AUTH` follows).
    func forgetQuietAddresses(at second: Int64) {
        state.withLock { Self.forgetEmptyWindows(&$0, at: second) }
    }

    /// Drops the windows that have emptied; a window that has not is checked again a minute on.
    private static func forgetEmptyWindows(_ state: inout State, at second: Int64) {
        while let check = state.checks.first, check.second + Int64(FailureWindow.seconds) <= second {
            state.checks.removeFirst()
            guard state.windows[check.address] != nil else { continue }
            if state.windows[check.address]!.count(at: second) == 0 {
                state.windows[check.address] = nil
            } else {
                state.checks.append((check.address, second))
            }
        }
    }
}
