import Foundation
import XCTest
import CofferServer
import CofferTLS
import CofferClient

final class ListenerLifecycleTests: XCTestCase {
    func testClientOverTheConnectionLimitGetsBusyReplyAndIsClosed() throws {
        let server = try TLSEchoServer(maxConnections: 1)
        let first = try server.connect()
        XCTAssertEqual(try first.request("PING"), "OK PING")

        let second = try server.connect()
        XCTAssertEqual(try second.readReplyLine(), "ERR BUSY too many connections")
        XCTAssertNil(try second.readReplyLine(), "the busy connection is closed")
        second.close()
        XCTAssertEqual(try first.request("STILL THERE"), "OK STILL THERE")
        XCTAssertEqual(server.listener.activeConnections, 1)

        first.close()
        server.waitUntilNoConnections()
        let third = try server.connect()
        defer { third.close() }
        XCTAssertEqual(try third.request("PING"), "OK PING", "a freed slot is reused")
    }

    func testClientsBeyondTheBusyCapAreDroppedWithoutHandshake() throws {
        let server = try TLSEchoServer(maxConnections: 1, maxBusyConnections: 0)
        let first = try server.connect()
        defer { first.close() }
        XCTAssertEqual(try first.request("PING"), "OK PING")
        assertTLSClientError(.handshake) { try server.connect() }
    }

    func testIdleConnectionIsClosedAfterTheIdleTimeout() throws {
        let server = try TLSEchoServer(idleTimeout: 0.5)
        let client = try server.connect()
        defer { client.close() }
        XCTAssertEqual(try client.request("PING"), "OK PING")
        let start = Date()
        XCTAssertNil(try client.readReplyLine(), "the server closes the idle connection")
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertGreaterThan(elapsed, 0.3)
        XCTAssertLessThan(elapsed, 3)
        XCTAssertEqual(server.probe.handlerFinished.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(server.probe.events, ["line:PING", "timedOut"])
    }

    func testTCPClientThatNeverHandshakesIsDropped() throws {
        let server = try TLSEchoServer(idleTimeout: 0.5)
        let raw = try PlainSocket(port: server.port)
        let start = Date()
        let (bytes, closed) = raw.readUntilClosed(timeout: 5)
        XCTAssertTrue(closed)
        XCTAssertTrue(bytes.isEmpty, "nothing is sent to a client that never starts the handshake")
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
        server.waitUntilNoConnections()
        XCTAssertTrue(server.probe.events.isEmpty, "the handler never runs")
    }

    func testStopClosesAnIdleConnectionPromptly() throws {
        let server = try TLSEchoServer(idleTimeout: 30)
        let client = try server.connect()
        defer { client.close() }
        XCTAssertEqual(try client.request("PING"), "OK PING")

        let listener = server.listener
        let start = Date()
        let stopped = tlsRunOnThread { listener.stop(timeout: 10) }
        XCTAssertNil(try client.readReplyLine(), "the idle connection is closed by the drain")
        XCTAssertEqual(stopped.wait(timeout: .now() + 5), .success)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "stop did not wait for the 30 s idle timeout")
        XCTAssertEqual(server.probe.events, ["line:PING", "closed"])
    }

    func testStopLetsARunningRequestFinishAndReply() throws {
        let server = try TLSEchoServer(idleTimeout: 30)
        let client = try server.connect()
        defer { client.close() }
        try client.send(raw: Array("SLOW\n".utf8))
        XCTAssertEqual(server.probe.slowRequestStarted.wait(timeout: .now() + 5), .success)

        let listener = server.listener
        let stopped = tlsRunOnThread { listener.stop(timeout: 10) }
        XCTAssertEqual(try client.readReplyLine(), "OK SLOW", "the request in flight is answered")
        XCTAssertNil(try client.readReplyLine(), "then the connection is closed")
        XCTAssertEqual(stopped.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(server.probe.events, ["line:SLOW", "closed"])
    }

    func testStopGivesUpAfterItsTimeout() throws {
        let server = try TLSEchoServer(idleTimeout: 30)
        let client = try server.connect()
        defer { client.close() }
        try client.send(raw: Array("SLOW\n".utf8))
        XCTAssertEqual(server.probe.slowRequestStarted.wait(timeout: .now() + 5), .success)
        let start = Date()
        server.listener.stop(timeout: 0.1)
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.4, "stop returns at its timeout")
        XCTAssertEqual(try client.readReplyLine(), "OK SLOW")
    }

    func testStoppedListenerRefusesNewConnections() throws {
        let server = try TLSEchoServer()
        XCTAssertEqual(try server.connect().request("PING"), "OK PING")
        server.listener.stop(timeout: 5)
        assertTLSClientError(.connect) { try server.connect() }
    }

    func testBindingAPortInUseNamesTheAddressAndReason() throws {
        let server = try TLSEchoServer()
        let configuration = ListenerConfiguration(host: "127.0.0.1", port: server.port)
        let context = try server.certificates.serverContext()
        do {
            _ = try Listener(configuration: configuration, tls: context) { _ in }
            XCTFail("binding a port in use should fail")
        } catch {
            XCTAssertEqual(error.description, "cannot bind 127.0.0.1:\(server.port): Address already in use")
        }
    }

    func testInvalidListenAddressIsRefused() throws {
        let certificates = try TLSTestCertificates()
        let configuration = ListenerConfiguration(host: "256.1.2.3.invalid.", port: 0)
        XCTAssertThrowsError(try Listener(configuration: configuration, tls: certificates.serverContext()) { _ in }) { error in
            XCTAssertTrue("\(error)".contains("256.1.2.3.invalid."), "\(error)")
        }
    }

    func testLocalhostIsServedOnEveryLoopbackAddress() throws {
        let server = try TLSEchoServer(host: "localhost")
        let client = try CofferConnection(configuration: server.clientConfiguration(host: "127.0.0.1"))
        defer { client.close() }
        XCTAssertEqual(try client.request("PING"), "OK PING")
    }
}
