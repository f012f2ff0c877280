import Foundation
import XCTest
import CofferTLS

/// The client side of `TLSStream` verifies the chain against its trusted certificates and the
/// leaf against the expected name or address, here against the server's own self-signed
/// certificate (DNS:localhost, IP:127.0.0.1, IP:::1).
final class HostNameVerificationTests: XCTestCase {
    private var certificate: TestCertificate!

    override func setUpWithError() throws {
        certificate = try TestCertificate()
    }

    override func tearDown() {
        certificate = nil
    }

    func testTheSelfSignedCertificateIsAcceptedForLocalhostAndTheLoopbackAddresses() throws {
        for name in ["localhost", "127.0.0.1", "::1", "[::1]"] {
            let (client, server) = try exchange(expecting: name)
            XCTAssertEqual(client, "echo hello", name)
            XCTAssertEqual(server, "served hello", name)
        }
    }

    func testAWrongNameOrAddressFailsTheHandshakeOnBothSides() throws {
        for name in ["coffer.example", "localhost.example", "local", "127.0.0.2", "::2", "[::2]"] {
            let (client, server) = try exchange(expecting: name)
            XCTAssertEqual(client, "failed certificateVerification", name)
            XCTAssertEqual(server, "handshake handshake", "\(name): the server sees the client's alert")
        }
    }

    func testACertificateTheClientDoesNotTrustFailsTheHandshake() throws {
        let other = try TestCertificate()
        let (client, _) = try exchange(expecting: "localhost", clientContext: try other.clientContext())
        XCTAssertEqual(client, "failed certificateVerification")
    }

    func testTheVerificationFailureSaysWhy() throws {
        let (serverSocket, clientSocket) = try TestSockets.pair()
        let server = EchoExchange.serve(on: serverSocket, context: try certificate.serverContext())
        defer { _ = server.result() }
        defer { NetworkPosix.closeDescriptor(clientSocket) }
        XCTAssertThrowsError(try TLSStream(connectingOn: clientSocket, context: try certificate.clientContext(),
                                           serverName: "coffer.example", until: IODeadline(secondsFromNow: 10))) { error in
            let failure = error as? TLSError
            XCTAssertEqual(failure?.kind, .certificateVerification)
            XCTAssertTrue(failure?.details.contains("hostname mismatch") ?? false, "\(error)")
        }
    }

    func testAnEmptyNameIsRefusedBeforeAnythingIsSent() throws {
        let (serverSocket, clientSocket) = try TestSockets.pair()
        defer {
            NetworkPosix.closeDescriptor(serverSocket)
            NetworkPosix.closeDescriptor(clientSocket)
        }
        XCTAssertThrowsError(try TLSStream(connectingOn: clientSocket, context: try certificate.clientContext(),
                                           serverName: "", until: IODeadline(secondsFromNow: 10))) { error in
            XCTAssertEqual((error as? TLSError)?.kind, .configuration)
        }
        XCTAssertFalse(SocketWait.isReadableNow(serverSocket), "no ClientHello was sent")
    }

    /// Runs one echo exchange over a socket pair; the client result is `echo …` or `failed <kind>`.
    private func exchange(expecting name: String, clientContext: TLSClientContext? = nil) throws -> (client: String, server: String?) {
        let (serverSocket, clientSocket) = try TestSockets.pair()
        let server = EchoExchange.serve(on: serverSocket, context: try certificate.serverContext())
        let context = try clientContext ?? certificate.clientContext()
        let stream: TLSStream
        do throws(TLSError) {
            stream = try TLSStream(connectingOn: clientSocket, context: context, serverName: name, until: IODeadline(secondsFromNow: 10))
        } catch {
            NetworkPosix.closeDescriptor(clientSocket)
            return ("failed \(error.kind)", server.result())
        }
        defer { stream.close() }
        let client: String
        do throws(TLSError) { client = try EchoExchange.ask(stream) ?? "ended" } catch { client = "io \(error.kind)" }
        return (client, server.result())
    }
}
