import Foundation
import XCTest
import CofferServer
import CofferClient

final class TLSHandshakeTests: XCTestCase {
    func testClientTrustingAnotherCertificateFailsVerification() throws {
        let server = try TLSEchoServer()
        let other = try TLSTestCertificates()
        assertTLSClientError(.certificateVerification) {
            try CofferConnection(configuration: server.clientConfiguration(trusting: other.certificatePath))
        }
        XCTAssertEqual(try server.connect().request("PING"), "OK PING", "the server keeps serving")
    }

    func testClientWithoutTrustAnchorFailsVerificationAgainstSystemStore() throws {
        let server = try TLSEchoServer()
        var configuration = server.clientConfiguration()
        configuration.trustedCertificatePath = nil
        assertTLSClientError(.certificateVerification) { try CofferConnection(configuration: configuration) }
    }

    func testClientExpectingAnotherNameFailsVerification() throws {
        let server = try TLSEchoServer()
        var configuration = server.clientConfiguration()
        configuration.serverName = "coffer.example.com"
        assertTLSClientError(.certificateVerification) { try CofferConnection(configuration: configuration) }
        configuration.serverName = "127.0.0.2"
        assertTLSClientError(.certificateVerification) { try CofferConnection(configuration: configuration) }
    }

    func testCertificateIsValidForLocalhostName() throws {
        let server = try TLSEchoServer()
        var configuration = server.clientConfiguration()
        configuration.serverName = "localhost"
        let client = try CofferConnection(configuration: configuration)
        defer { client.close() }
        XCTAssertEqual(try client.request("PING"), "OK PING")
    }

    func testIPv6LoopbackIsServedAndVerified() throws {
        let server: TLSEchoServer
        do {
            server = try TLSEchoServer(host: "::1")
        } catch let error as NetworkError {
            throw XCTSkip("no IPv6 loopback here: \(error)")
        }
        let client = try CofferConnection(configuration: server.clientConfiguration(host: "::1"))
        defer { client.close() }
        XCTAssertEqual(try client.request("PING"), "OK PING")
    }

    func testTLS12OnlyClientIsRefusedByDefault() throws {
        let server = try TLSEchoServer()
        var configuration = server.clientConfiguration()
        configuration.maximumVersion = .v1_2
        assertTLSClientError(.handshake) { try CofferConnection(configuration: configuration) }
    }

    func testTLS12OnlyClientIsAcceptedWhenMinimumIs12() throws {
        let server = try TLSEchoServer(minimumVersion: .v1_2)
        var configuration = server.clientConfiguration()
        configuration.maximumVersion = .v1_2
        let client = try CofferConnection(configuration: configuration)
        defer { client.close() }
        XCTAssertEqual(try client.request("PING"), "OK PING")
    }

    func testPlaintextClientIsDisconnectedAndServerKeepsServing() throws {
        let server = try TLSEchoServer()
        let raw = try PlainSocket(port: server.port)
        raw.send("PING\n")
        let (bytes, closed) = raw.readUntilClosed(timeout: 5)
        XCTAssertTrue(closed, "the server closes a plaintext connection")
        XCTAssertFalse(String(decoding: bytes, as: UTF8.self).contains("OK"), "no reply is sent in plaintext")
        let client = try server.connect()
        defer { client.close() }
        XCTAssertEqual(try client.request("PING"), "OK PING")
        server.probe.record("end")
        XCTAssertEqual(server.probe.events, ["line:PING", "end"], "the plaintext client never reached the handler")
    }
}
