import Foundation

/// Received bytes not yet consumed as lines: the server's request lines and the client's reply lines.
///
/// Consuming a line only advances `head`, and the search for the next LF resumes where the
/// previous search stopped, so a burst of many pipelined lines costs time linear in its size.
public struct LineBuffer {
    /// The outcome of asking for the next line.
    public enum Extraction: Equatable, Sendable {
        /// A complete line, without its LF (a CR before the LF is kept).
        case line([UInt8])
        /// The line has more than `limit` bytes counting its CR and LF; nothing is consumed.
        case tooLong
        /// No complete line is buffered yet.
        case needMore
    }

    private var storage: [UInt8] = []
    /// Index of the first unconsumed byte.
    private var head = 0
    /// `storage[head..<scanned]` is known to hold no LF.
    private var scanned = 0

    /// An empty buffer.
    public init() {}

    /// Number of unconsumed bytes.
    public var count: Int { storage.count - head }
    /// True when no unconsumed byte is buffered (not even part of a line).
    public var isEmpty: Bool { head == storage.count }

    /// Appends received bytes.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        storage.append(contentsOf: bytes)
    }

    /// Removes and returns the next line if one is complete and within `limit`
    /// (`Int.max`: any length, for a caller that applies its own bound).
    public mutating func nextLine(limit: Int) -> Extraction {
        guard let lineFeed = findLineFeed() else {
            // Even if the very next byte were the LF, the line would have count + 1 bytes.
            return count >= limit ? .tooLong : .needMore
        }
        guard lineFeed - head + 1 <= limit else { return .tooLong }
        let line = Array(storage[head..<lineFeed])
        head = lineFeed + 1
        scanned = head
        compact()
        return .line(line)
    }

    /// True when a complete line (of any length) is buffered.
    public mutating func containsCompleteLine() -> Bool {
        findLineFeed() != nil
    }

    /// Finds the LF that ends the current line, remembering how far the search got.
    private mutating func findLineFeed() -> Int? {
        let start = max(head, scanned)
        guard start < storage.count else { return nil }
        let found: Int? = storage.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress,
                  let match = memchr(base + start, 0x0A, buffer.count - start) else { return nil }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(match))
        }
        if found == nil { scanned = storage.count }
        return found
    }

    /// Drops consumed bytes once they dominate the storage, keeping memory bounded.
    private mutating func compact() {
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= 1 << 20)
            head = 0
            scanned = 0
        } else if head >= 1 << 16 && head >= storage.count / 2 {
            storage.removeFirst(head)
            scanned -= head
            head = 0
        }
    }
}
