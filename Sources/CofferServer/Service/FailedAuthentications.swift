import Foundation
import CofferStore
import Synchronization

/// The server's handling of failed `AUTH`s from the clients' addresses (CONTRACT sections 3
/// and 8, `limits.maxFailedAuthPerAddressPerMinute`).
///
/// - Sessions ask `admits` before looking a token up: an address over the limit gets
///   `AUTH_FAILED` without a lookup (`FailedAuthLimiter`).
/// - Every failure is counted per source address and minute (`FailedAuthTally`), never written
///   one by one: once a minute is over, it becomes one record per source in the service's audit
///   trail (the address sealed under an hourly key, `Vault.recordFailedAuthentications`) and one
///   log line for the whole minute, which names no address. A flood of failures costs a bounded
///   number of records and lines per minute, not one each.
/// - A ticker thread hands over each minute within a second of its end, lets the limiter forget
///   quiet addresses, and destroys the keys of the source addresses older than
///   `sourceRetentionSeconds` at start and every ten minutes; `stop` hands over the minute in
///   progress.
final class FailedAuthentications: Sendable {
    /// How often the source keys past their retention are looked for, in seconds.
    static let sweepIntervalSeconds: Int64 = 600

    private let vault: Vault
    private let limiter: FailedAuthLimiter
    private let tally = FailedAuthTally()
    private let clock: ServiceClock
    /// Source addresses are kept this long (at most one key span longer); 0 records none.
    private let sourceRetentionSeconds: Int64
    private let ticker = WorkerThread()
    private let tickerStarted = Mutex(false)

    init(vault: Vault, limitPerMinute: Int, sourceRetentionSeconds: Int64, clock: ServiceClock) {
        self.vault = vault
        self.limiter = FailedAuthLimiter(limit: limitPerMinute)
        self.sourceRetentionSeconds = sourceRetentionSeconds
        self.clock = clock
    }

    /// Whether an `AUTH` from `address` may be looked up now.
    func admits(_ address: ClientAddress?) -> Bool {
        limiter.admits(address, at: clock.second)
    }

    /// Counts a failed `AUTH` from `address`; `refused` when `admits` said no.
    func recordFailure(_ address: ClientAddress?, refused: Bool) {
        let second = clock.second
        limiter.recordFailure(address, at: second)
        if let finished = tally.add(address, refused: refused, at: second) { write(finished) }
    }

    /// Starts the ticker. Call it once.
    func start() {
        tickerStarted.withLock { $0 = true }
        ticker.start(name: "coffer-failed-auth") { [self] in
            var nextSweep = Int64.min
            ticker.condition.lock()
            while !ticker.isStopping {
                ticker.condition.unlock()
                let now = clock.second
                if let finished = tally.takeFinished(at: now) { write(finished) }
                limiter.forgetQuietAddresses(at: now)
                if now >= nextSweep {
                    destroyExpiredSourceKeys(now: now)
                    nextSweep = now + Self.sweepIntervalSeconds
                }
                ticker.condition.lock()
                if !ticker.isStopping { _ = ticker.condition.wait(until: Date(timeIntervalSinceNow: 1)) }
            }
            ticker.condition.unlock()
        }
    }

    /// Stops the ticker and hands the counts of the minute in progress to the vault (whose
    /// `close` then writes them).
    func stop() {
        if tickerStarted.withLock({ $0 }) { ticker.stop() }
        if let minute = tally.takeAll() { write(minute) }
    }

    private func write(_ minute: FailedAuthTally.Minute) {
        let counts = sourceRetentionSeconds > 0 ? minute.counts : Self.withoutSources(minute.counts)
        vault.recordFailedAuthentications(counts, minute: minute.start)
        let refused = minute.refused > 0 ? ", \(minute.refused) of them refused over limits.maxFailedAuthPerAddressPerMinute" : ""
        ServiceLog.warning("failed AUTH in the minute from \(RFC3339.utc(minute.start)): \(minute.failures) from "
                           + "\(minute.counts.count) source(s)\(refused); recorded in the service's audit trail")
    }

    private func destroyExpiredSourceKeys(now: Int64) {
        do {
            let destroyed = try vault.destroySourceKeys(endingBy: now - sourceRetentionSeconds)
            if destroyed > 0 { ServiceLog.info("source-address retention: destroyed \(destroyed) hourly source key(s)") }
        } catch {
            ServiceLog.error("source-address retention: could not destroy expired source keys: \(error)")
        }
    }

    /// The counts of one minute as one record without an address.
    private static func withoutSources(_ counts: [FailedAuthenticationCount]) -> [FailedAuthenticationCount] {
        [FailedAuthenticationCount(source: nil, failures: counts.reduce(0) { $0 + $1.failures },
                                   refused: counts.reduce(0) { $0 + $1.refused })]
    }
}
