import Foundation
import XCTest

/// Issue 12: `limits.maxConnectionsPerAddress`. A connection over the limit of its address
/// gets `BUSY` right after the handshake and is closed; other addresses are served.
final class AddressConnectionLimitTests: E2ETestCase {
    func testAConnectionOverItsAddressLimitGetsBusyWhileAnotherAddressIsServed() throws {
        let server = try startServer { $0.maxConnectionsPerAddress = 3 }
        let held = try (0..<3).map { _ in try server.connect(from: "127.0.0.2") }
        for client in held { assertReply(try client.request("PING"), #"OK "PONG""#) }

        let extra = try server.connect(from: "127.0.0.2")
        assertError(try XCTUnwrap(extra.readReply()), "BUSY", "the server sends BUSY without a request")
        assertClosed(extra)
        let other = try server.connect(from: "127.0.0.3")
        assertReply(try other.request("PING"), #"OK "PONG""#, "another address is served")
        for client in held { assertReply(try client.request("PING"), #"OK "PONG""#, "the address's own connections are served") }

        held[0].close()
        XCTAssertTrue(pingSucceedsSoon(server, from: "127.0.0.2"), "a closed connection frees its address's place")
    }

    func testSilentSocketsCountForTheirAddressSoOneHostCannotFillTheServer() throws {
        let server = try startServer {
            $0.maxConnections = 8
            $0.maxConnectionsPerAddress = 4
        }
        let silent = try (0..<20).map { _ in try PlainSocket(port: server.port, from: "127.0.0.2") }
        let client = try server.connect(from: "127.0.0.3")
        assertReply(try client.request("PING"), #"OK "PONG""#, "served at once: the silent host holds only 4 of 8 slots")
        withExtendedLifetime(silent) {}
    }

    func testZeroTurnsTheLimitOff() throws {
        let server = try startServer { $0.maxConnectionsPerAddress = 0 }
        let clients = try (0..<10).map { _ in try server.connect(from: "127.0.0.2") }
        for client in clients { assertReply(try client.request("PING"), #"OK "PONG""#) }
    }

    /// A new client from `source` gets `PONG` within a few seconds (places are released asynchronously).
    private func pingSucceedsSoon(_ server: E2EServer, from source: String) -> Bool {
        let deadline = Date(timeIntervalSinceNow: 5)
        while Date() < deadline {
            if let client = try? server.connect(from: source), let reply = try? client.request("PING"), reply == #"OK "PONG""# {
                return true
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }
}
