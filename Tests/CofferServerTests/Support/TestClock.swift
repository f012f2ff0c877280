import CofferServer
import Synchronization

/// A wall clock that tests move on by hand, for the server's per-minute accounting: a test can
/// end a minute, or pass a retention period, without waiting for it.
final class TestClock: Sendable {
    private let seconds: Mutex<Double>

    /// Starts at `start` seconds since 1970 (by default 10 s into a minute of 2030).
    init(start: Double = 1_900_000_010) {
        seconds = Mutex(start)
    }

    var now: Double { seconds.withLock { $0 } }

    func advance(by interval: Double) {
        seconds.withLock { $0 += interval }
    }

    /// The clock as the server takes it.
    var serviceClock: ServiceClock {
        ServiceClock { [self] in now }
    }
}
