import XCTest
import COpenSSL
@testable import CofferPostgres
import CofferTLS

/// Certificate and host-name verification against a TLS server on a socket pair.
final class PostgresTLSTransportTests: XCTestCase {
    /// Serves one TLS handshake with the test server certificate, then sends "hello".
    /// Returns the client's descriptor (non-blocking) and a semaphore the server signals at the end.
    private func tlsServer(_ certificates: TestCertificates, respond: Bool = true) -> (Int32, DispatchSemaphore) {
        var pair: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, NetworkPosix.streamType, 0, &pair) == 0)
        let serverSocket = pair[1]
        _ = fcntl(pair[0], F_SETFL, fcntl(pair[0], F_GETFL) | O_NONBLOCK)   // as TCPSocket.connect leaves it
        let done = DispatchSemaphore(value: 0)
        Thread {
            defer {
                _ = Foundation.close(serverSocket)
                done.signal()
            }
            guard respond else {
                Thread.sleep(forTimeInterval: 1)   // reads nothing, answers nothing
                return
            }
            let context = SSL_CTX_new(TLS_server_method())!
            defer { SSL_CTX_free(context) }
            guard SSL_CTX_use_certificate_file(context, certificates.serverCertificate, SSL_FILETYPE_PEM) == 1,
                  SSL_CTX_use_PrivateKey_file(context, certificates.serverKey, SSL_FILETYPE_PEM) == 1 else { return }
            let ssl = SSL_new(context)!
            defer { SSL_free(ssl) }
            SSL_set_fd(ssl, serverSocket)
            guard SSL_accept(ssl) == 1 else { return }
            _ = SSL_write(ssl, "hello", 5)
            _ = SSL_shutdown(ssl)
        }.start()
        return (pair[0], done)
    }

    private func handshake(name: String, caFile: String? = nil, respond: Bool = true, deadline: Double = 5) throws -> Result<[UInt8], PostgresError> {
        let certificates = try TestCertificates.shared()
        let (client, done) = tlsServer(certificates, respond: respond)
        defer { _ = done.wait(timeout: .now() + 10) }
        do throws(PostgresError) {
            let transport = try PostgresTLSTransport(startingTLSOn: client, serverName: name, caFile: caFile ?? certificates.caFile,
                                                     until: IODeadline(secondsFromNow: deadline))
            defer { transport.close() }
            var buffer = [UInt8](repeating: 0, count: 16)
            let count = try buffer.withUnsafeMutableBytes { bytes in
                Result { () throws(PostgresError) in try transport.read(into: bytes, until: IODeadline(secondsFromNow: 5)) }
            }.get()
            return .success(Array(buffer[0..<count]))
        } catch {
            NetworkPosix.closeDescriptor(client)
            return .failure(error)
        }
    }

    func testTheRightNameAndCAVerify() throws {
        XCTAssertEqual(try handshake(name: "localhost"), .success(Array("hello".utf8)))
        XCTAssertEqual(try handshake(name: "127.0.0.1"), .success(Array("hello".utf8)))
    }

    func testAWrongHostNameIsRefused() throws {
        for name in ["db.example", "10.1.2.3", "localhost.evil"] {
            guard case .failure(.certificateVerification(let reason)) = try handshake(name: name) else { return XCTFail(name) }
            XCTAssertTrue(reason.contains("mismatch"), reason)
        }
    }

    func testAnotherCAIsRefused() throws {
        let certificates = try TestCertificates.shared()
        guard case .failure(.certificateVerification) = try handshake(name: "localhost", caFile: certificates.otherCAFile) else { return XCTFail() }
    }

    func testAMissingCAFileIsAConfigurationError() throws {
        guard case .failure(.invalidConfiguration) = try handshake(name: "localhost", caFile: "/nonexistent/ca.crt") else { return XCTFail() }
    }

    func testTheHandshakeHasADeadline() throws {
        let started = Date()
        XCTAssertEqual(try handshake(name: "localhost", respond: false, deadline: 0.3), .failure(.timeout(operation: "TLS handshake")))
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }
}
