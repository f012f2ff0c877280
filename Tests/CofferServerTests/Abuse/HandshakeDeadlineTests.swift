import Foundation
import XCTest

/// Issue 12: a slot taken at `accept` is held by an unfinished TLS handshake for at most
/// `limits.handshakeTimeoutSeconds`, not the idle timeout, and hundreds of sockets that never
/// handshake, from many client addresses, cannot keep a well-behaved client out.
final class HandshakeDeadlineTests: E2ETestCase {
    private let deadline = 3.0

    /// 300 silent sockets from 300 loopback addresses fill every slot (256 by default); a
    /// client that handshakes normally is served while they are still open (the slot of the
    /// oldest unfinished handshake passes to it), and every silent socket is closed at the
    /// handshake deadline, long before the idle timeout (30 s here).
    func testHundredsOfSilentSocketsFromManyAddressesDoNotKeepAClientOut() throws {
        let server = try startServer { $0.handshakeTimeoutSeconds = self.deadline }
        XCTAssertEqual(server.configuration.maxConnections, 256)
        let start = Date()
        let flood = try (0..<300).map { try PlainSocket(port: server.port, from: "127.1.\($0 / 200).\($0 % 200 + 1)") }
        Thread.sleep(forTimeInterval: 1.2)   // past the grace an unfinished handshake keeps its slot for

        let client = try server.connect()
        assertReply(try client.request("PING"), #"OK "PONG""#, "a well-behaved client is served")
        XCTAssertLessThan(Date().timeIntervalSince(start), deadline, "while the silent sockets are still open")

        for (index, socket) in flood.enumerated() {
            let left = deadline + 2 - Date().timeIntervalSince(start)
            XCTAssertTrue(socket.readUntilClosed(timeout: max(0.1, left)).closed, "silent socket \(index) is closed by the handshake deadline")
        }
        assertReply(try client.request("PING"), #"OK "PONG""#, "the client served meanwhile stays served")
        let later = try server.connect()
        assertReply(try later.request("PING"), #"OK "PONG""#, "the slots are free again")
    }

    /// The deadline holds for one socket on an idle server too, and the idle timeout, if it is
    /// shorter, bounds the handshake instead.
    func testAnUnfinishedHandshakeIsClosedAtTheDeadlineOrTheShorterIdleTimeout() throws {
        for (handshake, idle) in [(1.0, 30.0), (10.0, 1.0)] {
            let server = try startServer {
                $0.handshakeTimeoutSeconds = handshake
                $0.idleTimeoutSeconds = idle
            }
            let socket = try PlainSocket(port: server.port)
            let start = Date()
            XCTAssertTrue(socket.readUntilClosed(timeout: 5).closed, "handshake \(handshake) s, idle \(idle) s")
            let elapsed = Date().timeIntervalSince(start)
            XCTAssertGreaterThan(elapsed, 0.8, "not before the deadline")
            XCTAssertLessThan(elapsed, 2.5, "at min(handshake deadline, idle timeout)")
        }
    }
}
