import Foundation
import XCTest
import CofferClient

/// CONTRACT.md §1 and §7: TLS versions, non-TLS peers, the connection limit and idle timeouts.
final class TransportE2ETests: E2ETestCase {
    func testTLS12OnlyClientIsRefusedUnderTheDefaultConfiguration() throws {
        let server = try startServer()
        XCTAssertThrowsError(try CofferConnection(configuration: server.clientConfiguration(maximumVersion: .v1_2))) { error in
            XCTAssertEqual((error as? ClientError)?.kind, .handshake, "\(error)")
        }
        let client = try server.connect()
        assertReply(try client.request("PING"), #"OK "PONG""#, "the server keeps serving TLS 1.3 clients")
    }

    func testTLS12OnlyClientIsAcceptedWhenTheConfigurationAllowsIt() throws {
        let server = try startServer { $0.minimumTLSVersion = .v1_2 }
        let client = E2EClient(try CofferConnection(configuration: server.clientConfiguration(maximumVersion: .v1_2)))
        assertReply(try client.request("PING"), #"OK "PONG""#)
        assertObject(try client.auth(server.operatorToken), ["role": "operator"])
        let modern = try server.connect()
        assertReply(try modern.request("PING"), #"OK "PONG""#, "TLS 1.3 is still accepted")
    }

    func testPlaintextClientGetsNoReplyAndAClosedSocketWhileOthersKeepWorking() throws {
        let server = try startServer()
        let bystander = try server.connectAsOperator()
        let plain = try PlainSocket(port: server.port)
        plain.send("PING\n")
        let (bytes, closed) = plain.readUntilClosed(timeout: 5)
        XCTAssertTrue(closed, "the server closes a plaintext connection")
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertFalse(text.contains("PONG") || text.contains("OK") || text.contains("ERR"), "no plaintext reply")
        assertReply(try bystander.request("TENANT LIST"), "OK []", "an open TLS session keeps working")
        let next = try server.connect()
        assertReply(try next.request("PING"), #"OK "PONG""#, "new TLS clients are served")
    }

    func testClientOverTheConnectionLimitGetsBusyAndIsClosed() throws {
        let server = try startServer { $0.maxConnections = 2 }
        let first = try server.connect()
        let second = try server.connect()
        assertReply(try first.request("PING"), #"OK "PONG""#)
        assertReply(try second.request("PING"), #"OK "PONG""#)

        let third = try server.connect()
        let busy = try XCTUnwrap(third.readReply(), "the busy reply precedes any request")
        assertError(busy, "BUSY")
        assertClosed(third, "after BUSY")
        assertReply(try first.request("PING"), #"OK "PONG""#, "the admitted clients are unaffected")

        first.close()
        let deadline = Date(timeIntervalSinceNow: 5)
        var admitted = false
        while !admitted && Date() < deadline {
            let candidate = try server.connect()
            try candidate.send(raw: "PING\n")
            admitted = try candidate.readReply() == #"OK "PONG""#
            if !admitted { Thread.sleep(forTimeInterval: 0.05) }
        }
        XCTAssertTrue(admitted, "a slot freed by a closed client is given to a new one")
    }

    func testIdleConnectionIsClosedAfterTheIdleTimeout() throws {
        let server = try startServer { $0.idleTimeoutSeconds = 1 }
        let client = try server.connect()
        assertReply(try client.request("PING"), #"OK "PONG""#)
        let start = Date()
        XCTAssertNil(try client.readReply(), "the server closes the idle connection")
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertGreaterThan(elapsed, 0.5, "not before the timeout")
        XCTAssertLessThan(elapsed, 3.5, "soon after the timeout")
    }

    func testActiveConnectionIsNotClosedByTheIdleTimeout() throws {
        let server = try startServer { $0.idleTimeoutSeconds = 1 }
        let client = try server.connect()
        for _ in 0..<4 {
            Thread.sleep(forTimeInterval: 0.4)
            assertReply(try client.request("PING"), #"OK "PONG""#, "each request restarts the idle clock")
        }
    }

    func testTricklingAnUnfinishedLineDoesNotKeepTheConnectionOpen() throws {
        let server = try startServer { $0.idleTimeoutSeconds = 1 }
        let client = try server.connect()
        let start = Date()
        var closed = false
        // One byte every 0.2 s, never a line feed: no reply line is ever due.
        while !closed && Date().timeIntervalSince(start) < 5 {
            do { try client.send(raw: "P") } catch { closed = true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertTrue(closed || client.isClosedByServer(), "the server closes a connection that never finishes a line")
        XCTAssertLessThan(elapsed, 4.5)
    }

    func testConnectionThatNeverHandshakesIsClosedAfterTheIdleTimeout() throws {
        let server = try startServer { $0.idleTimeoutSeconds = 1 }
        let silent = try PlainSocket(port: server.port)
        let start = Date()
        let (_, closed) = silent.readUntilClosed(timeout: 5)
        XCTAssertTrue(closed, "the server gives up on a peer that never starts the handshake")
        XCTAssertLessThan(Date().timeIntervalSince(start), 3.5)
        let client = try server.connect()
        assertReply(try client.request("PING"), #"OK "PONG""#)
    }

    func testConnectionThatStallsInTheMiddleOfTheHandshakeIsClosedAfterTheIdleTimeout() throws {
        let server = try startServer { $0.idleTimeoutSeconds = 1 }
        let stalled = try PlainSocket(port: server.port)
        // The header of a TLS handshake record announcing 512 bytes, then nothing.
        stalled.send(bytes: [0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        let start = Date()
        let (_, closed) = stalled.readUntilClosed(timeout: 5)
        XCTAssertTrue(closed, "the server gives up on an unfinished handshake")
        XCTAssertLessThan(Date().timeIntervalSince(start), 3.5)
    }

    func testServerSendsNothingBeforeTheFirstRequest() throws {
        let server = try startServer()
        let client = E2EClient(try CofferConnection(configuration: server.clientConfiguration(timeoutSeconds: 0.5)))
        XCTAssertThrowsError(try client.readReply(), "no greeting: the read times out") { error in
            XCTAssertEqual((error as? ClientError)?.kind, .timeout, "\(error)")
        }
    }
}
