import Foundation

/// A named thread that runs one loop, and a `stop()` that asks the loop to end and waits until it
/// has: the shape the writer (`WriteQueue`) and the checkpointer (`WALCheckpointer`) share, and
/// the server's failed-`AUTH` ticker.
///
/// The loop and its owner share `condition`; the owner may keep its own state under it too (the
/// writer's queue). The loop watches `isStopping`, read under the condition's lock, and returns
/// once it is set; `stop()` broadcasts on the condition so that a waiting loop wakes.
public final class WorkerThread: @unchecked Sendable {
    // @unchecked Sendable: `stopRequested` is read and written only under `condition`'s lock.

    public let condition = NSCondition()
    private var stopRequested = false
    private let finished = DispatchSemaphore(value: 0)

    public init() {}

    /// Starts `loop` on a new thread named `name`. Call it once.
    public func start(name: String, _ loop: @escaping @Sendable () -> Void) {
        let finished = self.finished
        let thread = Thread {
            loop()
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Whether `stop()` was called. Read it under `condition`'s lock.
    public var isStopping: Bool { stopRequested }

    /// Asks the loop to end and waits until it has; later calls return at once.
    public func stop() {
        condition.lock()
        let wasStopping = stopRequested
        stopRequested = true
        condition.broadcast()
        condition.unlock()
        if !wasStopping { finished.wait() }
    }
}
