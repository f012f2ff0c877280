import Synchronization

/// WAL truncations that the writer could not complete at once because a reader (a backup, a
/// `coffer verify`) held a snapshot, handed to the checkpointer thread, which retries them
/// (`WALTruncationRetry`) so that the writer never waits for that reader.
///
/// Each request carries a generation: a retry that started before a newer request for the same
/// database completes only the request it saw, so a truncation asked for after it began is
/// never forgotten.
final class PendingTruncations: Sendable {
    /// One database whose WAL is to be truncated, and the request it answers.
    struct Request: Equatable {
        let path: String
        let generation: UInt64
    }

    private let state = Mutex<(requests: [String: UInt64], generation: UInt64)>(([:], 0))

    /// Asks for the WAL of the database at `path` to be truncated. True if none was pending.
    @discardableResult
    func request(_ path: String) -> Bool {
        state.withLock { state in
            state.generation += 1
            return state.requests.updateValue(state.generation, forKey: path) == nil
        }
    }

    /// The writer truncated the WAL itself: every request made so far for `path` is answered
    /// (the writer makes every request, so none can be newer than its own truncation).
    func satisfied(_ path: String) {
        _ = state.withLock { $0.requests.removeValue(forKey: path) }
    }

    /// The requests pending now.
    var pending: [Request] {
        state.withLock { state in state.requests.map { Request(path: $0.key, generation: $0.value) }.sorted { $0.path < $1.path } }
    }

    /// A retry truncated the WAL: `request` is answered, unless a newer one came meanwhile.
    func completed(_ request: Request) {
        state.withLock { state in
            if state.requests[request.path] == request.generation { state.requests[request.path] = nil }
        }
    }

    var isEmpty: Bool { state.withLock { $0.requests.isEmpty } }
}
