import CofferCrypto
import Foundation

/// Retries, on the checkpointer thread, the WAL truncations the writer handed over
/// (`PendingTruncations`) because a reader held a snapshot.
///
/// An attempt never waits (`checkpointTruncateWithoutWaiting`): a `TRUNCATE` checkpoint holds the
/// database's write lock while it waits for readers, so waiting here would stall the writer
/// instead. It fails at once while the reader is still there, or while the writer is committing;
/// after each failure the next attempt for that database waits twice as long, from one
/// checkpointer interval up to `maximumDelay`, so a long backup costs a few attempts a second.
struct WALTruncationRetry {
    static let maximumDelay: TimeInterval = 1

    private let pending: PendingTruncations
    /// Connections by database path: the checkpointer's own, and others opened on first use.
    private var connections: [String: Database]
    private var backoff: [String: (next: Date, delay: TimeInterval)] = [:]
    /// The last failure logged per path, other than a reader or writer in the way.
    private var lastFailure: [String: String] = [:]

    init(pending: PendingTruncations, connection: Database) {
        self.pending = pending
        connections = [connection.path: connection]
    }

    /// Attempts every pending truncation whose delay has passed; each attempt holds `lock` (the
    /// vault's checkpoint lock, shared with the writer's own truncations).
    mutating func run(lock: PlainLock) {
        let requests = pending.pending
        guard !requests.isEmpty else { return backoff.removeAll() }
        let now = Date()
        backoff = backoff.filter { entry in requests.contains { $0.path == entry.key } }
        for request in requests where (backoff[request.path]?.next ?? now) <= now {
            do {
                let database = try connection(request.path)
                try lock.withLock { () throws(SQLiteError) in try database.checkpointTruncateWithoutWaiting() }
                pending.completed(request)
                backoff[request.path] = nil
                lastFailure[request.path] = nil
                ServiceLog.info("WAL of \(request.path) truncated: the reader that kept it has let go")
            } catch {
                let delay = min(2 * (backoff[request.path]?.delay ?? WALCheckpointer.interval / 2), Self.maximumDelay)
                backoff[request.path] = (now.addingTimeInterval(delay), delay)
                if !error.isBusy {
                    let description = String(describing: error)
                    if lastFailure[request.path] != description { ServiceLog.warning("WAL truncation of \(request.path) failed, will retry: \(description)") }
                    lastFailure[request.path] = description
                }
            }
        }
    }

    private mutating func connection(_ path: String) throws(SQLiteError) -> Database {
        if let database = connections[path] { return database }
        let database = try Database(path: path)
        connections[path] = database
        return database
    }
}
