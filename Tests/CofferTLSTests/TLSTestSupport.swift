import Foundation
import XCTest
import CofferTLS

/// A certificate made by `SelfSignedCertificate` (the server's own: localhost, 127.0.0.1, ::1)
/// in a throwaway directory.
final class TestCertificate {
    let directory: URL
    let certificatePath: String
    let privateKeyPath: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-tls-unit-\(UUID().uuidString)")
        certificatePath = directory.appendingPathComponent("server.crt").path
        privateKeyPath = directory.appendingPathComponent("server.key").path
        try SelfSignedCertificate.generate(certificatePath: certificatePath, privateKeyPath: privateKeyPath)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func serverContext() throws -> TLSServerContext {
        try TLSServerContext(configuration: TLSServerConfiguration(certificatePath: certificatePath, privateKeyPath: privateKeyPath))
    }

    /// A client context that trusts this certificate only.
    func clientContext() throws -> TLSClientContext {
        try TLSClientContext(configuration: TLSClientConfiguration(trustedCertificatesPath: certificatePath))
    }
}

/// Runs a closure on a thread of its own (TLS calls block their thread); `result` waits for it.
// @unchecked Sendable: `value` is written once by the thread and read after `done` is signalled.
final class Background<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: Value?

    init(_ body: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            value = body()
            done.signal()
        }
        thread.start()
    }

    /// The closure's result, or nil if it has not finished within `seconds`.
    func result(within seconds: Double = 10) -> Value? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return value
    }
}

/// Socket plumbing for the tests.
enum TestSockets {
    /// A connected pair of non-blocking UNIX-domain stream sockets.
    static func pair() throws -> (Int32, Int32) {
        var descriptors: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, NetworkPosix.streamType, 0, &descriptors) == 0 else {
            throw XCTSkip("socketpair failed: \(NetworkPosix.errorText())")
        }
        descriptors.forEach(setNonBlocking)
        return (descriptors[0], descriptors[1])
    }

    static func setNonBlocking(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// A listening TCP socket on 127.0.0.1 and the port the system chose.
    static func listenOnLoopback() throws -> (socket: Int32, port: Int) {
        let descriptor = socket(AF_INET, NetworkPosix.streamType, 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && listen(descriptor, 4) == 0
                    && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard descriptor >= 0, bound else { throw XCTSkip("no loopback listener: \(NetworkPosix.errorText())") }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Accepts one connection (waiting at most 10 s) and makes it non-blocking; -1 on failure.
    static func acceptOne(_ listening: Int32) -> Int32 {
        guard SocketWait.wait(listening, for: .readable, until: IODeadline(secondsFromNow: 10)) == .ready else { return -1 }
        let descriptor = accept(listening, nil, nil)
        if descriptor >= 0 { setNonBlocking(descriptor) }
        return descriptor
    }
}

extension TLSStream {
    /// Reads one line (without its LF) by `deadline`; nil at the end of input or on timeout.
    func readLine(into buffer: inout LineBuffer, until deadline: IODeadline) throws(TLSError) -> String? {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { scratch.deallocate() }
        while true {
            if case .line(let line) = buffer.nextLine(limit: 4096) { return String(decoding: line, as: UTF8.self) }
            guard case .received(let count) = try read(into: scratch, until: deadline) else { return nil }
            buffer.append(UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
        }
    }
}

/// One TLS echo exchange: the server side reads a line and answers `echo <line>`, the client
/// side sends `hello` and reads the answer.
enum EchoExchange {
    /// Serves one session on `socket` (owned from here on) in the background. The result is
    /// `served <line>`, or `handshake <kind>` / `io <kind>` for a failure.
    static func serve(on socket: Int32, context: TLSServerContext) -> Background<String> {
        Background {
            let stream: TLSStream
            do throws(TLSError) {
                stream = try TLSStream(acceptingOn: socket, context: context, until: IODeadline(secondsFromNow: 10))
            } catch {
                NetworkPosix.closeDescriptor(socket)
                return "handshake \(error.kind)"
            }
            defer { stream.close() }
            do throws(TLSError) {
                var input = LineBuffer()
                guard let line = try stream.readLine(into: &input, until: IODeadline(secondsFromNow: 10)) else { return "ended" }
                try stream.write(Array("echo \(line)\n".utf8), until: IODeadline(secondsFromNow: 10))
                stream.sendCloseNotify(until: IODeadline(secondsFromNow: 1))
                return "served \(line)"
            } catch {
                return "io \(error.kind)"
            }
        }
    }

    /// Sends `hello` on `stream` and returns the answer line (nil at the end of input).
    static func ask(_ stream: TLSStream) throws(TLSError) -> String? {
        try stream.write(Array("hello\n".utf8), until: IODeadline(secondsFromNow: 10))
        var input = LineBuffer()
        return try stream.readLine(into: &input, until: IODeadline(secondsFromNow: 10))
    }
}
