import Foundation
import XCTest
import CofferTLS

/// `UnixSocket.connect` and the plaintext `TCPSocket.send`/`receive(into:)` on a Unix-domain
/// socket (PostgreSQL's `<dir>/.s.PGSQL.<port>`).
final class UnixSocketTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        // Short, so that the path fits in sockaddr_un.
        directory = URL(fileURLWithPath: "/tmp/coffer-unix-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    func testConnectsAndExchangesBytesWithDeadlines() throws {
        let path = directory.appendingPathComponent("s.sock").path
        let listening = try listen(at: path)
        defer { NetworkPosix.closeDescriptor(listening) }
        let client = try UnixSocket.connect(path: path, until: IODeadline(secondsFromNow: 5))
        defer { NetworkPosix.closeDescriptor(client) }
        XCTAssertNotEqual(fcntl(client, F_GETFL) & O_NONBLOCK, 0, "the socket is non-blocking")
        XCTAssertNotEqual(fcntl(client, F_GETFD) & FD_CLOEXEC, 0, "the socket is close-on-exec")
        let server = TestSockets.acceptOne(listening)
        XCTAssertGreaterThanOrEqual(server, 0)

        try TCPSocket.send(Array("abc".utf8), on: client, until: IODeadline(secondsFromNow: 5))
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = try buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(TLSError) in try TCPSocket.receive(into: bytes, from: server, until: IODeadline(secondsFromNow: 5)) }
        }.get()
        XCTAssertEqual(Array(buffer[0..<count]), Array("abc".utf8), "what has arrived is returned at once")

        let started = Date()
        XCTAssertEqual(receiveKind(server, seconds: 0.2), .timeout)
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)

        NetworkPosix.closeDescriptor(server)
        XCTAssertThrowsError(try TCPSocket.send(Array(repeating: 0, count: 1 << 20), on: client, until: IODeadline(secondsFromNow: 5))) { error in
            XCTAssertEqual((error as? TLSError)?.kind, .closed, "\(error)")
        }
    }

    func testTheEndOfTheStreamIsClosed() throws {
        let (first, second) = try TestSockets.pair()
        defer { NetworkPosix.closeDescriptor(first) }
        NetworkPosix.closeDescriptor(second)
        XCTAssertEqual(receiveKind(first, seconds: 5), .closed)
    }

    func testAMissingSocketIsAConnectErrorNamingThePath() throws {
        let path = directory.appendingPathComponent(".s.PGSQL.5432").path
        XCTAssertThrowsError(try UnixSocket.connect(path: path, until: IODeadline(secondsFromNow: 5))) { error in
            guard let error = error as? TLSError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .connect)
            XCTAssertTrue(error.description.contains(path), error.description)
        }
    }

    func testAPathTooLongForSockaddrIsAConfigurationError() throws {
        for path in ["/" + String(repeating: "p", count: 200), "", "/tmp/a\u{0}b"] {
            XCTAssertThrowsError(try UnixSocket.connect(path: path, until: IODeadline(secondsFromNow: 5))) { error in
                XCTAssertEqual((error as? TLSError)?.kind, .configuration, "\(error)")
            }
        }
    }

    // MARK: Helpers

    private func receiveKind(_ socket: Int32, seconds: Double) -> TLSError.Kind? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let result = buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(TLSError) in try TCPSocket.receive(into: bytes, from: socket, until: IODeadline(secondsFromNow: seconds)) }
        }
        if case .failure(let error) = result { return error.kind }
        return nil
    }

    private func listen(at path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, NetworkPosix.streamType, 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 && Foundation.listen(descriptor, 4) == 0
            }
        }
        guard descriptor >= 0, bound else { throw XCTSkip("no Unix-domain listener: \(NetworkPosix.errorText())") }
        return descriptor
    }
}
