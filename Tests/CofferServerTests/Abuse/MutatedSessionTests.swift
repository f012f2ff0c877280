import Foundation
import XCTest
import CofferClient

/// Issue 7: mutated sessions over TLS. Half the sessions go through `MutatingProxy`, which
/// corrupts the TLS byte stream; the other half speak clean TLS but send corrupted request
/// lines. After every batch a clean client must still get `PONG` at once: the server neither
/// crashes nor hangs, and serves everyone else throughout.
///
/// CI runs `AbuseBudget.mutatedSessions` (200); `Tests/Fuzz/run-abuse.sh` runs 10,000.
final class MutatedSessionTests: E2ETestCase {
    /// What became of the sessions; only `hungLineSessions` is a server failure.
    // @unchecked Sendable: every counter is read and written under `lock`.
    private final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var completed = 0
        private(set) var refusedHandshake = 0
        private(set) var droppedByServer = 0
        private(set) var clientGaveUp = 0
        /// Clean-transport sessions whose server did not answer `QUIT` in time: a hang.
        private(set) var hungLineSessions = 0

        func count(_ outcome: SessionOutcome) {
            lock.lock()
            defer { lock.unlock() }
            switch outcome {
            case .completed: completed += 1
            case .refusedHandshake: refusedHandshake += 1
            case .droppedByServer: droppedByServer += 1
            case .clientGaveUp: clientGaveUp += 1
            case .hung: hungLineSessions += 1
            }
        }

        var total: Int {
            lock.lock()
            defer { lock.unlock() }
            return completed + refusedHandshake + droppedByServer + clientGaveUp + hungLineSessions
        }
    }

    private enum SessionOutcome {
        case completed, refusedHandshake, droppedByServer, clientGaveUp, hung
    }

    private static let sessionsPerBatch = 40
    private static let workers = 8

    func testMutatedSessionsNeverCrashOrHangTheServer() throws {
        let server = try startServer { $0.idleTimeoutSeconds = 3 }
        let tenantToken = try createTenant("mutants", on: server)
        let proxy = try MutatingProxy(upstreamPort: server.port, seed: AbuseBudget.seed)
        defer { proxy.stop() }
        let total = AbuseBudget.mutatedSessions
        let counts = Tally()
        let direct = server.clientConfiguration(timeoutSeconds: 5)
        let viaProxy = {
            var configuration = server.clientConfiguration(timeoutSeconds: 1)
            configuration.port = proxy.port
            return configuration
        }()
        let started = Date()
        var first = 0
        while first < total {
            let batch = first..<min(total, first + Self.sessionsPerBatch)
            let group = DispatchGroup()
            for worker in 0..<Self.workers {
                group.enter()
                let workers = Self.workers
                let thread = Thread {
                    defer { group.leave() }
                    for number in batch where number % workers == worker {
                        counts.count(Self.runSession(number, direct: direct, viaProxy: viaProxy, tenantToken: tenantToken))
                    }
                }
                thread.start()
            }
            group.wait()
            let probe = try server.connect(timeoutSeconds: 5)
            assertReply(try probe.request("PING"), #"OK "PONG""#, "a clean client after sessions \(batch) (seed \(AbuseBudget.seed))")
            probe.close()
            first = batch.upperBound
        }
        XCTAssertEqual(counts.hungLineSessions, 0, "sessions with clean TLS must always be answered (seed \(AbuseBudget.seed))")
        XCTAssertEqual(counts.total, total)
        print("mutated TLS sessions: \(total) in \(Int(Date().timeIntervalSince(started))) s; completed \(counts.completed), "
              + "handshake refused \(counts.refusedHandshake), closed by the server \(counts.droppedByServer), "
              + "client gave up on a corrupted stream \(counts.clientGaveUp)")
        // The tenant's own data is intact and the server still answers authenticated requests.
        let admin = try server.connect(token: tenantToken)
        assertReply(try admin.request("PING"), #"OK "PONG""#)
    }

    /// The requests of one session; mutated ones are corrupted as bytes, then `QUIT` is appended.
    private static func script(tenantToken: String) -> [UInt8] {
        let lines = ["HELLO", "AUTH " + tenantToken, #"SET alice phone "+41 79 000 00 00" city "Zürich""#,
                     "GET alice phone", "EXPORT alice", #"FIND phone "+41 79 000 00 00""#, "SUBJECT LIST",
                     "POLICY GET", "WHOAMI", "PING"]
        return Array(lines.joined(separator: "\n").utf8) + [0x0A]
    }

    /// Runs session `number`: even numbers through the mutating proxy, odd ones with clean TLS
    /// and corrupted request lines.
    private static func runSession(_ number: Int, direct: ClientConfiguration, viaProxy: ClientConfiguration,
                                   tenantToken: String) -> SessionOutcome {
        var random = SeededGenerator(seed: AbuseBudget.seed ^ UInt64(number) &* 0x2545_F491_4F6C_DD1D)
        let transportMutation = number % 2 == 0
        let connection: CofferConnection
        do {
            connection = try CofferConnection(configuration: transportMutation ? viaProxy : direct)
        } catch {
            return transportMutation ? .refusedHandshake : .hung
        }
        defer { connection.close() }
        var payload = script(tenantToken: tenantToken)
        if !transportMutation {
            payload = MutatingProxy.mutate(payload, using: &random)
        }
        payload += Array("\nQUIT\n".utf8)
        do {
            try connection.send(raw: payload)
            // Replies until the server closes after QUIT (or earlier: TOO_LONG, a third AUTH failure).
            while try connection.readReplyLine() != nil {}
            return .completed
        } catch {
            guard error.kind == .timeout else { return .droppedByServer }
            return transportMutation ? .clientGaveUp : .hung
        }
    }
}
