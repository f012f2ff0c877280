import CofferClient
import CofferCrypto
import Dispatch
import Foundation
import Synchronization

/// Runs one phase with a Foundation `Thread` per client (blocking I/O stays off the Swift
/// concurrency pool). Every client connects and authenticates first; the clock starts only
/// when all are ready, so handshakes are not part of the measurement.
enum NetworkBenchmarkClients {
    /// Runs `workloads` (one per client) against `target` as the tenant whose token is given.
    static func run(_ workloads: [NetworkBenchmarkWorkload], dataSet: NetworkBenchmarkDataSet, pipeline: Int,
                    target: NetworkBenchmarkTarget, token: SecureBytes) throws(NetworkBenchmarkError) -> NetworkBenchmarkPhase {
        let board = Scoreboard(clients: workloads.count)
        let ready = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for (client, workload) in workloads.enumerated() {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                let connection: CofferConnection
                do throws(NetworkBenchmarkError) {
                    connection = try target.connect()
                    try NetworkBenchmarkTarget.authenticate(connection, token: token, as: "the benchmark tenant")
                } catch {
                    board.fail(client, error)
                    ready.signal()
                    return
                }
                defer { connection.close() }
                ready.signal()
                go.wait()
                guard !board.isAborted else { return }
                let worker = NetworkBenchmarkWorker(connection: connection, dataSet: dataSet, workload: workload, pipeline: pipeline)
                do throws(NetworkBenchmarkError) {
                    let tally = try worker.run()
                    board.finish(client, tally, at: DispatchTime.now().uptimeNanoseconds)
                } catch {
                    board.fail(client, error)
                }
            }
            thread.name = "coffer-bench-client-\(client)"
            thread.start()
        }
        for _ in workloads { ready.wait() }
        if board.firstFailure != nil { board.abort() }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in workloads { go.signal() }
        finished.wait()
        return try board.phase(startedAt: start)
    }

    /// Where the client threads leave their results; read by the caller once all have finished.
    private final class Scoreboard: Sendable {
        private struct State {
            var tallies: [NetworkBenchmarkTally?]
            var finishedAt: UInt64 = 0
            var failures: [(client: Int, error: NetworkBenchmarkError)] = []
            var aborted = false
        }

        private let state: Mutex<State>

        init(clients: Int) {
            state = Mutex(State(tallies: Array(repeating: nil, count: clients)))
        }

        func finish(_ client: Int, _ tally: NetworkBenchmarkTally, at time: UInt64) {
            state.withLock {
                $0.tallies[client] = tally
                $0.finishedAt = max($0.finishedAt, time)
            }
        }

        func fail(_ client: Int, _ error: NetworkBenchmarkError) {
            state.withLock { $0.failures.append((client, error)) }
        }

        /// Tells clients that have not started yet not to start (another failed to connect).
        func abort() { state.withLock { $0.aborted = true } }

        var isAborted: Bool { state.withLock { $0.aborted } }

        var firstFailure: NetworkBenchmarkError? {
            state.withLock { state in state.failures.min { $0.client < $1.client }?.error }
        }

        /// The merged result, or the first client's failure.
        func phase(startedAt start: UInt64) throws(NetworkBenchmarkError) -> NetworkBenchmarkPhase {
            if let failure = firstFailure { throw failure }
            return state.withLock { state in
                var merged = NetworkBenchmarkTally()
                for tally in state.tallies { if let tally { merged.merge(tally) } }
                let seconds = state.finishedAt > start ? Double(state.finishedAt - start) / 1e9 : 0
                return NetworkBenchmarkPhase(tally: merged, seconds: seconds)
            }
        }
    }
}
