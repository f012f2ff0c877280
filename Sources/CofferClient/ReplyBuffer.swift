import Foundation

/// Received bytes not yet returned as reply lines. Consuming a line only advances `head`,
/// and the LF search resumes where it stopped, so many pipelined replies cost linear time.
struct ReplyBuffer {
    private var storage: [UInt8] = []
    private var head = 0
    /// `storage[head..<scanned]` holds no LF.
    private var scanned = 0

    /// Number of unconsumed bytes.
    var count: Int { storage.count - head }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        storage.append(contentsOf: bytes)
    }

    /// Removes and returns the next complete line without its LF, or nil if none is complete.
    mutating func nextLine() -> [UInt8]? {
        let start = max(head, scanned)
        guard start < storage.count else { return nil }
        let found: Int? = storage.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let match = memchr(base + start, 0x0A, buffer.count - start) else { return nil }
            return UnsafeRawPointer(match) - UnsafeRawPointer(base)
        }
        guard let lineFeed = found else {
            scanned = storage.count
            return nil
        }
        let line = Array(storage[head..<lineFeed])
        head = lineFeed + 1
        scanned = head
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 1 << 20)
            head = 0
            scanned = 0
        } else if head >= 1 << 16 && head >= storage.count / 2 {
            storage.removeFirst(head)
            scanned -= head
            head = 0
        }
        return line
    }
}
