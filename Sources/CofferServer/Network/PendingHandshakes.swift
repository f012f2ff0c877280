/// The accepted connections whose TLS handshake has not finished, oldest first.
///
/// When every connection slot is taken, the listener gives a new client the slot of the oldest
/// unfinished handshake instead of answering `BUSY` (the contract closes such a connection at
/// its handshake deadline "at the latest"): sockets that never handshake cannot keep others out,
/// unless they are opened faster than one server's worth of slots per grace period.
///
/// Not synchronized: the listener uses it under its own lock. Every operation is O(1) amortized:
/// `order` may still hold ids that finished, which are skipped, and is compacted once they
/// outnumber the live ones, so memory follows the number of unfinished handshakes.
struct PendingHandshakes {
    /// One unfinished handshake.
    struct Entry: Equatable {
        let id: Int
        let descriptor: Int32
        /// When it was accepted, on the monotonic clock.
        let acceptedNanoseconds: UInt64
    }

    private var entries: [Int: Entry] = [:]
    /// Connection ids in the order they were accepted.
    private var order = FIFOQueue<Int>()

    var count: Int { entries.count }

    mutating func add(_ entry: Entry) {
        entries[entry.id] = entry
        order.append(entry.id)
    }

    /// Forgets a handshake that ended; false if it was not pending (`takeOldest` took it).
    @discardableResult
    mutating func remove(id: Int) -> Bool {
        guard entries.removeValue(forKey: id) != nil else { return false }
        compact()
        return true
    }

    /// Removes and returns the oldest pending handshake if it was accepted at or before `cutoff`.
    mutating func takeOldest(acceptedBy cutoff: UInt64) -> Entry? {
        while let id = order.first, entries[id] == nil { order.removeFirst() }
        guard let id = order.first, let oldest = entries[id], oldest.acceptedNanoseconds <= cutoff else { return nil }
        order.removeFirst()
        entries[id] = nil
        return oldest
    }

    private mutating func compact() {
        if entries.isEmpty {
            order.removeAll { _ in true }
        } else if order.count > 2 * entries.count + 64 {
            order.removeAll { entries[$0] == nil }
        }
    }
}
