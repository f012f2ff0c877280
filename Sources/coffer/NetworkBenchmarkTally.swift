/// What one client (or, merged, all clients) saw in a phase: per operation the replies that
/// succeeded, failed and were unsupported, and the latencies of the successful ones.
struct NetworkBenchmarkTally: Sendable, Equatable {
    /// Requests sent, per operation index.
    private(set) var sent = [Int](repeating: 0, count: NetworkBenchmarkOperation.allCases.count)
    /// `OK` replies of the expected shape.
    private(set) var succeeded = [Int](repeating: 0, count: NetworkBenchmarkOperation.allCases.count)
    /// `ERR UNKNOWN_COMMAND` replies: the server does not implement the command.
    private(set) var unsupported = [Int](repeating: 0, count: NetworkBenchmarkOperation.allCases.count)
    /// Every other reply: an `ERR`, or an `OK` of the wrong shape.
    private(set) var failed = [Int](repeating: 0, count: NetworkBenchmarkOperation.allCases.count)
    /// Failures by `VERB CODE` (`GET NOT_FOUND`; `UNEXPECTED` for an `OK` of the wrong shape).
    /// Only the code is kept: never a reply's text.
    private(set) var failureCodes: [String: Int] = [:]
    /// Latencies of successful requests, from the write that sent them to the read of their reply.
    private(set) var latencies = [NetworkBenchmarkHistogram](repeating: NetworkBenchmarkHistogram(),
                                                            count: NetworkBenchmarkOperation.allCases.count)

    /// Counts a request as sent.
    mutating func countSent(_ operation: NetworkBenchmarkOperation) {
        sent[operation.index] += 1
    }

    /// Classifies `reply` to a request of kind `operation` that took `nanoseconds`.
    mutating func record(_ operation: NetworkBenchmarkOperation, reply: String, nanoseconds: UInt64) {
        let index = operation.index
        if reply.hasPrefix("OK") {
            if operation.isExpectedSuccess(reply) {
                succeeded[index] += 1
                latencies[index].record(nanoseconds)
            } else {
                failed[index] += 1
                failureCodes["\(operation.verb) UNEXPECTED", default: 0] += 1
            }
            return
        }
        let code = Self.errorCode(reply)
        if code == "UNKNOWN_COMMAND" {
            unsupported[index] += 1
        } else {
            failed[index] += 1
            failureCodes["\(operation.verb) \(code)", default: 0] += 1
        }
    }

    /// Adds everything `other` counted.
    mutating func merge(_ other: NetworkBenchmarkTally) {
        for index in sent.indices {
            sent[index] += other.sent[index]
            succeeded[index] += other.succeeded[index]
            unsupported[index] += other.unsupported[index]
            failed[index] += other.failed[index]
            latencies[index].merge(other.latencies[index])
        }
        failureCodes.merge(other.failureCodes, uniquingKeysWith: +)
    }

    /// Requests of `operation` sent.
    func sent(_ operation: NetworkBenchmarkOperation) -> Int { sent[operation.index] }
    /// Successful replies to `operation`.
    func succeeded(_ operation: NetworkBenchmarkOperation) -> Int { succeeded[operation.index] }
    /// Unsupported replies to `operation`.
    func unsupported(_ operation: NetworkBenchmarkOperation) -> Int { unsupported[operation.index] }
    /// Failed replies to `operation`.
    func failed(_ operation: NetworkBenchmarkOperation) -> Int { failed[operation.index] }
    /// Latencies of the successful replies to `operation`.
    func latencies(_ operation: NetworkBenchmarkOperation) -> NetworkBenchmarkHistogram { latencies[operation.index] }

    /// Totals over every operation.
    var totalSent: Int { sent.reduce(0, +) }
    var totalSucceeded: Int { succeeded.reduce(0, +) }
    var totalUnsupported: Int { unsupported.reduce(0, +) }
    var totalFailed: Int { failed.reduce(0, +) }
    /// Replies received, whatever they said.
    var totalAnswered: Int { totalSucceeded + totalUnsupported + totalFailed }
    /// Latencies of every successful reply.
    var allLatencies: NetworkBenchmarkHistogram {
        latencies.reduce(into: NetworkBenchmarkHistogram()) { $0.merge($1) }
    }

    /// The code of an `ERR <CODE> …` line, or `UNEXPECTED` for anything else.
    static func errorCode(_ reply: String) -> String {
        let words = reply.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard words.count >= 2, words[0] == "ERR", !words[1].isEmpty,
              words[1].utf8.allSatisfy({ (0x41...0x5A).contains($0) || $0 == 0x5F }) else { return "UNEXPECTED" }
        return String(words[1])
    }
}
