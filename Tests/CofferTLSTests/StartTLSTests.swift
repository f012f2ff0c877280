import Foundation
import XCTest
import CofferTLS

/// TLS started on a TCP connection after a plaintext exchange, as PostgreSQL does it: the client
/// sends an 8-byte `SSLRequest` in the clear, the server answers one byte, `S`, and the TLS
/// handshake follows on the same socket.
final class StartTLSTests: XCTestCase {
    /// PostgreSQL's SSLRequest: length 8, then the code 80877103.
    static let sslRequest: [UInt8] = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F]

    private var certificate: TestCertificate!

    override func setUpWithError() throws {
        certificate = try TestCertificate()
    }

    override func tearDown() {
        certificate = nil
    }

    func testTLSStartsAfterAPlaintextExchangeOnTheSameSocket() throws {
        let (client, server) = try run(answer: [0x53], expecting: "127.0.0.1")
        XCTAssertEqual(client, "answer S, echo hello")
        XCTAssertEqual(server, "request ok, served hello")
    }

    func testTheServerNameIsVerifiedAfterThePlaintextExchangeToo() throws {
        let (client, _) = try run(answer: [0x53], expecting: "db.example")
        XCTAssertEqual(client, "answer S, failed certificateVerification (verify the server certificate)")
    }

    func testBytesSentAfterTheAnswerAreRefusedAndNeverTakenAsTLSData() throws {
        // A man in the middle appends bytes to the server's `S` (CVE-2021-23222): the client
        // reads exactly one byte, and the TLS start refuses the rest instead of using it.
        let injected = Array("S\u{0}\u{0}\u{0}\u{5}Z".utf8)
        let (client, _) = try run(answer: injected, expecting: "127.0.0.1", settle: true)
        XCTAssertEqual(client, "answer S, failed handshake (start TLS)")
    }

    func testAPeerThatClosesDuringThePlaintextExchangeIsReported() throws {
        let (client, _) = try run(answer: [], expecting: "127.0.0.1")
        XCTAssertEqual(client, "closed")
    }

    func testAnAnswerThatNeverComesEndsAtTheDeadline() throws {
        let (listening, port) = try TestSockets.listenOnLoopback()
        defer { NetworkPosix.closeDescriptor(listening) }
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: port, until: IODeadline(secondsFromNow: 5))
        defer { NetworkPosix.closeDescriptor(socket) }
        let started = Date()
        XCTAssertThrowsError(try TCPSocket.receive(exactly: 1, from: socket, until: IODeadline(secondsFromNow: 0.3))) { error in
            XCTAssertEqual((error as? TLSError)?.kind, .timeout)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }

    func testConnectingToAPortNobodyListensOnNamesTheAddress() throws {
        let (listening, port) = try TestSockets.listenOnLoopback()
        NetworkPosix.closeDescriptor(listening)
        XCTAssertThrowsError(try TCPSocket.connect(host: "127.0.0.1", port: port, until: IODeadline(secondsFromNow: 5))) { error in
            let failure = error as? TLSError
            XCTAssertEqual(failure?.kind, .connect)
            XCTAssertEqual(failure?.operation, "connect to 127.0.0.1:\(port)")
        }
    }

    /// The server side reads the SSLRequest, sends `answer` (and closes if it is empty), then
    /// serves one TLS echo; the client side connects over loopback TCP, sends the request,
    /// reads one byte and starts TLS expecting `name`. `settle` waits until every byte of the
    /// answer has arrived before the client reads.
    private func run(answer: [UInt8], expecting name: String, settle: Bool = false) throws -> (client: String, server: String?) {
        let (listening, port) = try TestSockets.listenOnLoopback()
        defer { NetworkPosix.closeDescriptor(listening) }
        let context = try certificate.serverContext()
        let server = Background { () -> String in
            let socket = TestSockets.acceptOne(listening)
            guard socket >= 0 else { return "no connection" }
            let deadline = IODeadline(secondsFromNow: 10)
            do throws(TLSError) {
                let request = try TCPSocket.receive(exactly: 8, from: socket, until: deadline)
                guard request == Self.sslRequest, !answer.isEmpty else {
                    NetworkPosix.closeDescriptor(socket)
                    return "request \(request == Self.sslRequest ? "ok" : "wrong"), closed"
                }
                try TCPSocket.send(answer, on: socket, until: deadline)
            } catch {
                NetworkPosix.closeDescriptor(socket)
                return "plaintext \(error.kind)"
            }
            return "request ok, " + (EchoExchange.serve(on: socket, context: context).result() ?? "stuck")
        }
        let client = try clientSide(port: port, expecting: name, settleFor: settle ? answer.count : 0)
        return (client, server.result())
    }

    private func clientSide(port: Int, expecting name: String, settleFor count: Int) throws -> String {
        let deadline = IODeadline(secondsFromNow: 10)
        let socket = try TCPSocket.connect(host: "127.0.0.1", port: port, until: deadline)
        let answer: [UInt8]
        do throws(TLSError) {
            try TCPSocket.send(Self.sslRequest, on: socket, until: deadline)
            if count > 0 { Self.waitForPendingBytes(count, on: socket) }
            answer = try TCPSocket.receive(exactly: 1, from: socket, until: deadline)
        } catch {
            NetworkPosix.closeDescriptor(socket)
            return "\(error.kind)"
        }
        let prefix = "answer \(String(decoding: answer, as: UTF8.self)), "
        let context = try certificate.clientContext()
        let stream: TLSStream
        do throws(TLSError) {
            stream = try TLSStream(startingTLSOn: socket, context: context, serverName: name, until: deadline)
        } catch {
            NetworkPosix.closeDescriptor(socket)
            return prefix + "failed \(error.kind) (\(error.operation))"
        }
        defer { stream.close() }
        let reply: String?
        do throws(TLSError) { reply = try EchoExchange.ask(stream) } catch { return prefix + "io \(error.kind)" }
        return prefix + (reply ?? "ended")
    }

    /// Waits (at most 5 s) until `count` bytes are readable on `socket`, without reading them.
    private static func waitForPendingBytes(_ count: Int, on socket: Int32) {
        let deadline = IODeadline(secondsFromNow: 5)
        var buffer = [UInt8](repeating: 0, count: count)
        while !deadline.hasPassed, recv(socket, &buffer, count, Int32(MSG_PEEK)) < count {
            _ = SocketWait.wait(socket, for: .readable, until: IODeadline(secondsFromNow: 0.01))
            usleep(1_000)
        }
    }
}
