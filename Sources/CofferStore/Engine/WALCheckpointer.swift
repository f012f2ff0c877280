import CofferCrypto
import CSQLite
import Foundation
import Synchronization

/// Copies the vault's write-ahead log back into the database file on a thread and connection of
/// its own, so that the writer thread never stops to do it.
///
/// SQLite's automatic checkpoint runs inside the `COMMIT` that crosses its threshold: the writer
/// then reads the WAL's frames, writes them into the database file and fsyncs it, and every write
/// queued behind it waits (a fifth of the writer's time under a group-commit load, measured
/// with `perf`; docs/BENCHMARKS.md). Here the writer's connection only reports its WAL's frame
/// count after each commit (`WALMonitor`), and this thread, every `interval`, runs a PASSIVE
/// checkpoint once `thresholdFrames` frames were added since its last one.
/// PASSIVE never blocks the writer or the readers.
///
/// The writer still checkpoints by itself past `writerCheckpointFrames`. That is needed, not only a
/// fallback: SQLite starts the WAL again from its beginning only when a transaction begins after
/// a checkpoint copied every frame, and under a steady load the writer has always appended a few
/// more by the time this thread is done. The writer's own checkpoint then copies only what this
/// thread has not (the bulk is in the database file already), and the WAL starts over.
///
/// Durability does not depend on checkpoints: a commit is durable once its frames are synced
/// in the WAL. A checkpoint that finds another one running (the writer's own) is skipped; one
/// that fails (a full disk, an I/O error) is logged once and retried at the next interval. A
/// shred's `TRUNCATE` checkpoint waits for a checkpoint of this thread to finish (`lock`)
/// instead of failing with SQLITE_BUSY.
///
/// The thread also retries the `TRUNCATE` checkpoints that a reader's snapshot kept the writer
/// from completing (`WALTruncationRetry`, for the vault and the keyring), off the writer's path.
final class WALCheckpointer: @unchecked Sendable {
    // @unchecked Sendable: the connections are opened, used and closed by the checkpointer
    // thread alone; `worker`, `lock` and `truncations` are thread-safe; `checkpoints` is atomic.

    static let interval: TimeInterval = 0.02
    /// New frames that make a checkpoint worth its two fsyncs: SQLite's own default (1,000
    /// pages). Under a read load the audit records alone add about 7,000 frames a second, and a
    /// lower threshold made the checkpoints' fsyncs compete with the connections' TLS work.
    static let thresholdFrames = 1000
    /// The writer's own checkpoint (PASSIVE, in the commit that crosses it).
    static let writerCheckpointFrames = 4000

    private let path: String
    private let monitor: WALMonitor
    /// Shared with the writer's `TRUNCATE` checkpoints (`VaultCore.vaultCheckpointLock`).
    private let lock: PlainLock
    /// The truncations to retry (`VaultCore.pendingTruncations`).
    private let truncations: PendingTruncations
    private let worker = WorkerThread()
    /// Checkpoints run so far (for tests and benchmarks).
    let checkpoints = Atomic<Int>(0)

    /// Starts checkpointing the WAL of the database at `path` (which must exist, in WAL mode),
    /// whose writer connection reports to `monitor`, and retrying `truncations`; each
    /// checkpoint holds `lock`.
    init(path: String, monitor: WALMonitor, lock: PlainLock, truncations: PendingTruncations) {
        self.path = path
        self.monitor = monitor
        self.lock = lock
        self.truncations = truncations
        worker.start(name: "coffer-checkpointer") { [self] in run() }
    }

    /// Ends the thread (after a checkpoint in progress) and closes its connection.
    func stop() {
        worker.stop()
    }

    private func run() {
        let database: Database
        do {
            database = try Database(path: path)
        } catch {
            ServiceLog.warning("background WAL checkpoints and truncation retries are off, the writer checkpoints instead: \(error)")
            return
        }
        var retry = WALTruncationRetry(pending: truncations, connection: database)
        var framesAtLastCheckpoint = 0
        var lastFailure: String?
        while waitForInterval() {
            retry.run(lock: lock)
            let frames = monitor.frames
            if frames < framesAtLastCheckpoint { framesAtLastCheckpoint = 0 }  // the WAL started over
            guard frames - framesAtLastCheckpoint >= Self.thresholdFrames else { continue }
            do {
                _ = try lock.withLock { () throws(SQLiteError) in try database.checkpointPassive() }
                checkpoints.add(1, ordering: .relaxed)
                framesAtLastCheckpoint = frames
                lastFailure = nil
            } catch where error.code == SQLITE_BUSY {
                // The writer's own checkpoint is running: it finishes what is left.
                continue
            } catch {
                let description = String(describing: error)
                if description != lastFailure { ServiceLog.warning("background WAL checkpoint failed, will retry: \(description)") }
                lastFailure = description
            }
        }
    }

    /// Waits one interval; false once `stop()` was called.
    private func waitForInterval() -> Bool {
        worker.condition.lock()
        defer { worker.condition.unlock() }
        if !worker.isStopping { _ = worker.condition.wait(until: Date(timeIntervalSinceNow: Self.interval)) }
        return !worker.isStopping
    }
}
