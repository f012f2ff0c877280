import Foundation
import XCTest

/// Issue 7: connection floods past `limits.maxConnections`. Clients over the cap get `BUSY`
/// and a close; sockets that never start TLS are dropped at the idle timeout; the connections
/// inside the cap are served throughout, and a freed slot is used again.
final class ConnectionFloodTests: E2ETestCase {
    private let cap = 4

    func testATLSFloodPastTheCapIsToldBusyWhileAdmittedClientsAreServed() throws {
        let server = try startServer { $0.maxConnections = self.cap }
        let admitted = try (0..<cap).map { _ in try server.connect() }
        for client in admitted { assertReply(try client.request("PING"), #"OK "PONG""#) }
        var busy = 0
        for _ in 0..<30 {
            guard let extra = try? server.connect() else { continue }  // beyond the busy threads: dropped
            if let reply = try? extra.readReply(), E2EClient.errorCode(reply) == "BUSY" { busy += 1 }
            extra.close()
        }
        XCTAssertGreaterThan(busy, 0, "clients past the cap are told BUSY")
        for client in admitted { assertReply(try client.request("PING"), #"OK "PONG""#, "admitted clients are served") }
        admitted[0].close()
        XCTAssertTrue(try pingSucceedsSoon(server), "a freed slot is given to a new client")
    }

    func testSocketsThatNeverHandshakeAreDroppedAtTheIdleTimeout() throws {
        let server = try startServer {
            $0.maxConnections = self.cap
            $0.idleTimeoutSeconds = 1
        }
        let flood = try (0..<40).map { _ in try PlainSocket(port: server.port) }
        let start = Date()
        for socket in flood {
            XCTAssertTrue(socket.readUntilClosed(timeout: max(0.1, 6 - Date().timeIntervalSince(start))).closed,
                          "a silent socket is closed")
        }
        XCTAssertTrue(try pingSucceedsSoon(server), "the server serves again once the flood is gone")
    }

    func testAFloodOfJunkBytesLeavesTheServerServing() throws {
        // Junk that happens to look like the start of a TLS record waits for the rest until the
        // idle timeout, as any incomplete handshake does.
        let server = try startServer {
            $0.maxConnections = self.cap
            $0.idleTimeoutSeconds = 1
        }
        var random = SeededGenerator(seed: AbuseBudget.seed)
        for round in 0..<50 {
            let socket = try PlainSocket(port: server.port)
            socket.send(bytes: (0..<(1 + random.below(2048) as Int)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            XCTAssertTrue(socket.readUntilClosed(timeout: 5).closed, "junk round \(round) ends in a close")
        }
        XCTAssertTrue(try pingSucceedsSoon(server))
    }

    /// A new client gets `PONG` within a few seconds (slots are released asynchronously).
    private func pingSucceedsSoon(_ server: E2EServer) throws -> Bool {
        let deadline = Date(timeIntervalSinceNow: 5)
        while Date() < deadline {
            if let client = try? server.connect(), let reply = try? client.request("PING"), reply == #"OK "PONG""# {
                return true
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }
}
