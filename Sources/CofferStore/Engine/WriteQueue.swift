import Foundation
import Synchronization

/// The one thread that writes, with group commit.
///
/// Connection threads submit writes as jobs and block until theirs is durable. The writer takes
/// every job waiting, runs the consecutive *groupable* ones (SET, DEL, SUBJECT ADD, token and
/// policy changes) inside one transaction, each in a savepoint of its own so that a refused job
/// changes nothing while the others go on, then commits once: one fsync for the whole group.
/// Only after that commit are the jobs answered, so no write is acknowledged before it is
/// durable. Exclusive jobs (shreds, rotations, purges: they manage their own transactions and
/// checkpoints) run alone, in submission order.
final class WriteQueue: @unchecked Sendable {
    // @unchecked Sendable: `core` is touched only by the writer thread; `pending` only under
    // `worker.condition`'s lock.

    /// A submitted write and, once run, its result.
    final class Job: @unchecked Sendable {
        // @unchecked Sendable: `result` is written by the writer thread before `done` is
        // signalled and read by the submitter only after waiting on `done`.
        let groupable: Bool
        let body: (VaultCore) throws -> any Sendable
        var result: Result<any Sendable, any Error> = .failure(VaultError.corrupt("write not run"))
        /// Nil for a job nobody waits for (`submit`): its failure is logged instead.
        let done: DispatchSemaphore?

        init(groupable: Bool, waited: Bool = true, body: @escaping (VaultCore) throws -> any Sendable) {
            self.groupable = groupable
            self.body = body
            done = waited ? DispatchSemaphore(value: 0) : nil
        }

        /// Waits until the writer has run the job (and committed it) and returns its result.
        func waitForResult() -> Result<any Sendable, any Error> {
            done?.wait()
            return result
        }

        func complete() {
            if let done {
                done.signal()
            } else if case .failure(let error) = result {
                ServiceLog.error("a queued write failed: \(error)")
            }
        }
    }

    /// The most jobs committed together.
    static let maximumGroup = 512

    private let core: VaultCore
    private let worker = WorkerThread()
    private var pending: [Job] = []
    /// Counters for benchmarks and tests: transactions committed, jobs run, largest group.
    let committedTransactions = Atomic<Int>(0)
    let completedJobs = Atomic<Int>(0)
    let largestGroup = Atomic<Int>(0)
    /// Called on the writer thread after each job, to hand over work the job asked for.
    private let afterJob: @Sendable (VaultCore) -> Void

    init(core: VaultCore, afterJob: @escaping @Sendable (VaultCore) -> Void) {
        self.core = core
        self.afterJob = afterJob
        worker.start(name: "coffer-writer") { [self] in run() }
    }

    /// Queues `body` for the writer and returns at once; the job's `waitForResult()` returns
    /// once its effect is durable (or it failed). A connection that pipelines writes starts them
    /// all before it waits for the first, so that one commit carries them together.
    func start(groupable: Bool, _ body: @escaping (VaultCore) throws -> any Sendable) -> Job {
        let job = Job(groupable: groupable, body: body)
        do {
            try enqueue(job)
        } catch {
            job.result = .failure(error)
            job.complete()
        }
        return job
    }

    /// Queues a groupable write without waiting for it; a failure is logged.
    func submit(_ body: @escaping (VaultCore) throws -> Void) {
        do { try enqueue(Job(groupable: true, waited: false) { try body($0) }) } catch {
            ServiceLog.error("a write was queued after the vault closed")
        }
    }

    private func enqueue(_ job: Job) throws {
        worker.condition.lock()
        defer { worker.condition.unlock() }
        guard !worker.isStopping else { throw VaultError.corrupt("the vault is closed") }
        pending.append(job)
        worker.condition.signal()
    }

    /// Finishes the jobs already submitted, then ends the writer thread.
    func stop() {
        worker.stop()
    }

    private func run() {
        while let batch = nextBatch() {
            var index = 0
            while index < batch.count {
                if batch[index].groupable {
                    var end = index
                    while end < batch.count, batch[end].groupable, end - index < Self.maximumGroup { end += 1 }
                    runGroup(batch[index..<end])
                    index = end
                } else {
                    runAlone(batch[index])
                    index += 1
                }
            }
        }
    }

    private func nextBatch() -> [Job]? {
        worker.condition.lock()
        defer { worker.condition.unlock() }
        while pending.isEmpty && !worker.isStopping { worker.condition.wait() }
        if pending.isEmpty { return nil }
        let batch = pending
        pending = []
        return batch
    }

    private func runAlone(_ job: Job) {
        job.result = Result { try job.body(core) }
        completedJobs.add(1, ordering: .relaxed)
        committedTransactions.add(1, ordering: .relaxed)
        afterJob(core)
        job.complete()
    }

    private func runGroup(_ jobs: ArraySlice<Job>) {
        guard jobs.count > 1 else { return runAlone(jobs[jobs.startIndex]) }
        let committedHead = core.audit.head
        do {
            try core.vault.execute("BEGIN IMMEDIATE")
        } catch {
            for job in jobs { job.result = .failure(error) }
            return finish(jobs)
        }
        for job in jobs {
            // After some errors (SQLITE_FULL, I/O errors) SQLite rolls the whole transaction back
            // by itself: the jobs before are undone, and a job run now would commit on its own.
            guard core.vault.isInTransaction else { break }
            job.result = Result { try core.vault.savepoint { try job.body(core) } }
        }
        completedJobs.add(jobs.count, ordering: .relaxed)
        if jobs.count > largestGroup.load(ordering: .relaxed) { largestGroup.store(jobs.count, ordering: .relaxed) }
        guard core.vault.isInTransaction else {
            core.transactionFailed(restoring: committedHead)
            let cause = jobs.lazy.compactMap { job -> (any Error)? in
                if case .failure(let error) = job.result { return error } else { return nil }
            }.first ?? VaultError.corrupt("the group's transaction ended early")
            // Nothing of the group remains: every job fails, none is acknowledged.
            for job in jobs { job.result = .failure(cause) }
            return finish(jobs)
        }
        do {
            try core.vault.execute("COMMIT")
            committedTransactions.add(1, ordering: .relaxed)
        } catch {
            core.vault.rollbackAfterFailure()
            core.transactionFailed(restoring: committedHead)
            // Nothing of the group is durable: every job fails, none is acknowledged.
            for job in jobs { job.result = .failure(error) }
            return finish(jobs)
        }
        do { try core.transactionCommitted() } catch {
            // The group is durable; only the checkpoint after it failed. Logged, not failed.
            ServiceLog.warning("checkpoint after a group commit failed: \(error)")
        }
        finish(jobs)
    }

    private func finish(_ jobs: ArraySlice<Job>) {
        afterJob(core)
        for job in jobs { job.complete() }
    }
}
