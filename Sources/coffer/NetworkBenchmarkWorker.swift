import CofferClient
import Dispatch

/// One benchmark client: sends its workload over one authenticated connection, keeping up to
/// `pipeline` requests in flight, and times every request from the write that sent it to the
/// read of its reply (replies come back in request order, so a FIFO pairs them).
///
/// The window is refilled in batches of a quarter of its depth rather than one request per
/// reply: each batch is one TLS record and one write, as `redis-benchmark -P` sends its
/// pipeline, instead of a record per request that would cost both client and server a system
/// call and a record decryption each. The window therefore stays between three quarters full
/// and full; with a depth of 1 it is plain request and reply.
final class NetworkBenchmarkWorker {
    private let connection: CofferConnection
    private let dataSet: NetworkBenchmarkDataSet
    private let workload: NetworkBenchmarkWorkload
    private let pipeline: Int
    private let refillBatch: Int
    private var random: NetworkBenchmarkRandom

    /// Operations and send times of the requests in flight: a ring of `pipeline` slots.
    private var inFlightOperations: [NetworkBenchmarkOperation]
    private var inFlightSentAt: [UInt64]
    private var inFlightHead = 0
    private var inFlightCount = 0
    private var issued = 0
    private var batch: [UInt8] = []
    private var tally = NetworkBenchmarkTally()

    /// Prepares a client on `connection` (already authenticated).
    init(connection: CofferConnection, dataSet: NetworkBenchmarkDataSet, workload: NetworkBenchmarkWorkload, pipeline: Int) {
        self.connection = connection
        self.dataSet = dataSet
        self.workload = workload
        self.pipeline = max(1, pipeline)
        refillBatch = max(1, self.pipeline / 4)
        if case .mixed(_, _, let seed) = workload {
            random = NetworkBenchmarkRandom(seed: seed)
        } else {
            random = NetworkBenchmarkRandom(seed: 0)
        }
        inFlightOperations = [NetworkBenchmarkOperation](repeating: .set, count: self.pipeline)
        inFlightSentAt = [UInt64](repeating: 0, count: self.pipeline)
    }

    /// Sends the whole workload and returns what was seen.
    func run() throws(NetworkBenchmarkError) -> NetworkBenchmarkTally {
        let total = workload.requestCount
        var owed = 0
        try send(min(pipeline, total))
        while inFlightCount > 0 {
            let reply: String?
            do { reply = try connection.readReplyLine() } catch { throw .client(error) }
            let receivedAt = DispatchTime.now().uptimeNanoseconds
            guard let reply else { throw .closedEarly("the measured requests") }
            let operation = inFlightOperations[inFlightHead]
            let sentAt = inFlightSentAt[inFlightHead]
            inFlightHead = (inFlightHead + 1) % pipeline
            inFlightCount -= 1
            tally.record(operation, reply: reply, nanoseconds: receivedAt &- sentAt)
            owed += 1
            let remaining = total - issued
            if remaining > 0 && (owed >= refillBatch || inFlightCount == 0) {
                try send(min(owed, remaining))
                owed = 0
            }
        }
        return tally
    }

    /// Writes the next `count` requests as one batch.
    private func send(_ count: Int) throws(NetworkBenchmarkError) {
        guard count > 0 else { return }
        batch.removeAll(keepingCapacity: true)
        var operations: [NetworkBenchmarkOperation] = []
        operations.reserveCapacity(count)
        for _ in 0..<count {
            let (operation, line) = nextRequest()
            operations.append(operation)
            batch += line.utf8
            batch.append(0x0A)
            issued += 1
        }
        let sentAt = DispatchTime.now().uptimeNanoseconds
        for operation in operations {
            let slot = (inFlightHead + inFlightCount) % pipeline
            inFlightOperations[slot] = operation
            inFlightSentAt[slot] = sentAt
            inFlightCount += 1
            tally.countSent(operation)
        }
        do { try connection.send(raw: batch) } catch { throw .client(error) }
    }

    /// The request number `issued` of the workload.
    private func nextRequest() -> (NetworkBenchmarkOperation, String) {
        switch workload {
        case .load(let subjects):
            return (.set, dataSet.loadRequest(subject: subjects.lowerBound + issued))
        case .mixed(_, let mix, _):
            let operation = mix.draw(using: &random)
            return (operation, dataSet.request(operation, using: &random))
        }
    }
}
