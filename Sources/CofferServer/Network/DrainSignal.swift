import Foundation
import CofferTLS

/// A one-shot, level-triggered "the server is stopping" signal that threads blocked in `poll`
/// can wait on: a pipe whose read end becomes (and stays) readable once fired.
// @unchecked Sendable: the descriptors are immutable after init and `fired` is only touched
// under `lock`; writing to and polling a pipe from several threads is safe.
final class DrainSignal: @unchecked Sendable {
    /// Poll this for readability to be woken when the signal fires. Never read from it.
    let readDescriptor: Int32
    private let writeDescriptor: Int32
    private let lock = NSLock()
    private var fired = false

    init() throws(NetworkError) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw NetworkError(operation: "cannot create the drain signal", reason: NetworkPosix.errorText())
        }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        NetworkPosix.closeDescriptor(readDescriptor)
        NetworkPosix.closeDescriptor(writeDescriptor)
    }

    /// True once `fire` has been called.
    var isFired: Bool {
        lock.lock()
        defer { lock.unlock() }
        return fired
    }

    /// Fires the signal (idempotent): every present and future waiter wakes.
    func fire() {
        lock.lock()
        defer { lock.unlock() }
        guard !fired else { return }
        fired = true
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }
}
