import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Bytes read from a pipe on a background thread.
// @unchecked Sendable: `bytes` is only read or written while holding `lock`.
final class E2EOutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []

    /// Starts reading `descriptor` until end of file; the semaphore is signalled at the end.
    func collect(from descriptor: Int32) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                lock.lock()
                bytes.append(contentsOf: buffer[0..<count])
                lock.unlock()
            }
            done.signal()
        }
        thread.start()
        return done
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
