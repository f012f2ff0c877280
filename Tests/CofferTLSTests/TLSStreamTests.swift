import Foundation
import XCTest
import COpenSSL
import CofferTLS

/// `TLSStream` in real sessions over a socket pair: how each end of a session reaches the
/// reader (through `SSLCallStatus`), deadlines, the wake-up descriptor, and the failed state.
final class TLSStreamTests: XCTestCase {
    private var certificate: TestCertificate!

    override func setUpWithError() throws {
        certificate = try TestCertificate()
    }

    override func tearDown() {
        certificate = nil
    }

    func testAPeersCloseNotifyIsReadAsACleanEnd() throws {
        let (server, client) = try connectedPair { stream in
            "\(Self.readOnce(stream)) failed:\(stream.hasFailed)"
        }
        client.sendCloseNotify(until: IODeadline(secondsFromNow: 1))
        XCTAssertEqual(server.result(), "closeNotify failed:false")
        client.close()
    }

    func testAPeerThatClosesWithoutCloseNotifyIsReadAsTruncatedAndFailsTheStream() throws {
        let (server, client) = try connectedPair { stream in
            let read = Self.readOnce(stream)
            var write = "written"
            do throws(TLSError) { try stream.write(Array("late\n".utf8), until: IODeadline(secondsFromNow: 1)) } catch { write = "\(error.kind)" }
            return "\(read) failed:\(stream.hasFailed) write:\(write)"
        }
        client.close()   // no close_notify
        XCTAssertEqual(server.result(), "truncated failed:true write:closed")
    }

    func testAReadWithNothingToReadTimesOutAndTheStreamStaysUsable() throws {
        let (server, client) = try connectedPair { stream in
            let first = Self.readOnce(stream, seconds: 0.2)
            var input = LineBuffer()
            let line = (try? stream.readLine(into: &input, until: IODeadline(secondsFromNow: 10))) ?? nil
            return "\(first) \(line ?? "none")"
        }
        defer { client.close() }
        Thread.sleep(forTimeInterval: 0.5)
        try client.write(Array("late\n".utf8), until: IODeadline(secondsFromNow: 5))
        XCTAssertEqual(server.result(), "timedOut late")
    }

    func testAWriteThePeerDoesNotReadTimesOutAndFailsTheStream() throws {
        let (server, client) = try connectedPair { stream in
            let bytes = [UInt8](repeating: 0x41, count: 16 << 20)
            let started = Date()
            do throws(TLSError) {
                try stream.write(bytes, until: IODeadline(secondsFromNow: 0.3))
                return "written"
            } catch {
                let elapsed = Date().timeIntervalSince(started)
                return "\(error.kind) failed:\(stream.hasFailed) bounded:\(elapsed < 3)"
            }
        }
        defer { client.close() }
        XCTAssertEqual(server.result(), "timeout failed:true bounded:true")
    }

    func testAPlaintextPeerFailsTheServerHandshakeWithOpenSSLsReasonAndAnEmptyQueue() throws {
        let (serverSocket, clientSocket) = try TestSockets.pair()
        defer { NetworkPosix.closeDescriptor(clientSocket) }
        let context = try certificate.serverContext()
        let server = Background { () -> String in
            defer { NetworkPosix.closeDescriptor(serverSocket) }
            do throws(TLSError) {
                _ = try TLSStream(acceptingOn: serverSocket, context: context, until: IODeadline(secondsFromNow: 10))
                return "accepted"
            } catch {
                return "\(error.kind) reasons:\(!error.details.isEmpty) queue:\(ERR_peek_error())"
            }
        }
        try TCPSocket.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), on: clientSocket, until: IODeadline(secondsFromNow: 5))
        XCTAssertEqual(server.result(), "handshake reasons:true queue:0")
    }

    func testAHandshakeThatNeverStartsEndsAtItsDeadline() throws {
        let (serverSocket, clientSocket) = try TestSockets.pair()
        defer { NetworkPosix.closeDescriptor(clientSocket) }
        let context = try certificate.serverContext()
        let started = Date()
        XCTAssertThrowsError(try TLSStream(acceptingOn: serverSocket, context: context, until: IODeadline(secondsFromNow: 0.3))) { error in
            XCTAssertEqual((error as? TLSError)?.kind, .timeout)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        NetworkPosix.closeDescriptor(serverSocket)
    }

    func testTheWakeDescriptorEndsAHandshakeWait() throws {
        let (serverSocket, clientSocket) = try TestSockets.pair()
        defer { NetworkPosix.closeDescriptor(clientSocket) }
        var wake: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&wake), 0)
        defer { wake.forEach(NetworkPosix.closeDescriptor) }
        let context = try certificate.serverContext()
        let wakeDescriptor = wake[0]
        let server = Background { () -> String in
            defer { NetworkPosix.closeDescriptor(serverSocket) }
            let started = Date()
            do throws(TLSError) {
                _ = try TLSStream(acceptingOn: serverSocket, context: context, until: IODeadline(secondsFromNow: 30), wake: wakeDescriptor)
                return "accepted"
            } catch {
                return "\(error.kind) quick:\(Date().timeIntervalSince(started) < 5)"
            }
        }
        Thread.sleep(forTimeInterval: 0.2)
        var byte: UInt8 = 1
        XCTAssertEqual(Foundation.write(wake[1], &byte, 1), 1)
        XCTAssertEqual(server.result(), "closed quick:true")
    }

    // MARK: Helpers

    /// Handshakes both ends of a socket pair: the server end runs `body` in the background and
    /// then closes; the client end (expecting "localhost") is returned open.
    /// `isReadableNow` sees plaintext that OpenSSL has decrypted but not handed out yet (the
    /// socket is empty then), and an EOF; the PostgreSQL pool uses it to drop dead idle sessions.
    func testIsReadableNowSeesBufferedPlaintextAndTheEnd() throws {
        let (server, client) = try connectedPair { stream in
            do throws(TLSError) { try stream.write(Array("hello".utf8), until: IODeadline(secondsFromNow: 5)) } catch { return "\(error.kind)" }
            return Self.readOnce(stream)
        }
        defer { client.close() }
        var byte: UInt8 = 0
        let first = try withUnsafeMutableBytes(of: &byte) { buffer in
            Result { () throws(TLSError) in try client.read(into: buffer, until: IODeadline(secondsFromNow: 5)) }
        }.get()
        XCTAssertEqual(first, .received(1))
        XCTAssertTrue(client.isReadableNow, "four decrypted bytes wait in the TLS layer")
        var rest = [UInt8](repeating: 0, count: 16)
        let second = try rest.withUnsafeMutableBytes { buffer in
            Result { () throws(TLSError) in try client.read(into: buffer, until: IODeadline(secondsFromNow: 5)) }
        }.get()
        XCTAssertEqual(second, .received(4))
        XCTAssertFalse(client.isReadableNow)
        client.sendCloseNotify(until: IODeadline(secondsFromNow: 1))
        XCTAssertEqual(server.result(), "closeNotify")
        let deadline = IODeadline(secondsFromNow: 5)
        while !client.isReadableNow && !deadline.hasPassed { usleep(10_000) }
        XCTAssertTrue(client.isReadableNow, "the peer's close is seen")
        client.close()
        XCTAssertFalse(client.isReadableNow)
    }

    private func connectedPair(_ body: @escaping @Sendable (TLSStream) -> String) throws -> (Background<String>, TLSStream) {
        let (serverSocket, clientSocket) = try TestSockets.pair()
        let context = try certificate.serverContext()
        let server = Background { () -> String in
            do throws(TLSError) {
                let stream = try TLSStream(acceptingOn: serverSocket, context: context, until: IODeadline(secondsFromNow: 10))
                defer { stream.close() }
                return body(stream)
            } catch {
                NetworkPosix.closeDescriptor(serverSocket)
                return "handshake \(error.kind)"
            }
        }
        do {
            let client = try TLSStream(connectingOn: clientSocket, context: try certificate.clientContext(),
                                       serverName: "localhost", until: IODeadline(secondsFromNow: 10))
            return (server, client)
        } catch {
            NetworkPosix.closeDescriptor(clientSocket)
            throw error
        }
    }

    /// One read of at most 4 KiB, as the name of its result.
    private static func readOnce(_ stream: TLSStream, seconds: Double = 10) -> String {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { scratch.deallocate() }
        do throws(TLSError) {
            switch try stream.read(into: scratch, until: IODeadline(secondsFromNow: seconds)) {
            case .received(let count): return "received \(count)"
            case .closeNotify: return "closeNotify"
            case .truncated: return "truncated"
            case .timedOut: return "timedOut"
            case .woken: return "woken"
            }
        } catch {
            return "error \(error.kind)"
        }
    }
}
