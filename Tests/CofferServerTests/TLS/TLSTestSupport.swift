import Foundation
import XCTest
import CofferServer
import CofferTLS
import CofferClient

/// A throwaway directory with a freshly generated self-signed certificate.
final class TLSTestCertificates {
    let url: URL
    let certificatePath: String
    let privateKeyPath: String

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("coffer-tls-\(UUID().uuidString)")
        certificatePath = url.appendingPathComponent("tls/server.crt").path
        privateKeyPath = url.appendingPathComponent("tls/server.key").path
        try SelfSignedCertificate.generate(certificatePath: certificatePath, privateKeyPath: privateKeyPath)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func serverContext(minimumVersion: TLSMinimumVersion = .v1_3) throws -> TLSServerContext {
        try TLSServerContext(configuration: TLSServerConfiguration(
            certificatePath: certificatePath, privateKeyPath: privateKeyPath, minimumVersion: minimumVersion))
    }
}

/// What the test handler saw on the server side, for assertions.
// @unchecked Sendable: every stored property is guarded by `lock` or is itself thread-safe
// (DispatchSemaphore).
final class TLSHandlerProbe: @unchecked Sendable {
    private let lock = NSLock()
    private var recordedEvents: [String] = []
    /// Signalled when a "SLOW" request starts being processed.
    let slowRequestStarted = DispatchSemaphore(value: 0)
    /// Signalled each time a handler returns.
    let handlerFinished = DispatchSemaphore(value: 0)

    func record(_ event: String) {
        lock.lock()
        recordedEvents.append(event)
        lock.unlock()
    }

    var events: [String] {
        lock.lock()
        defer { lock.unlock() }
        return recordedEvents
    }
}

/// An echo-like handler: each line `x` gets "OK x"; "SLOW" takes 0.5 s; "BYE" replies and ends the
/// session; an over-long line gets "ERR TOO_LONG" and the session ends. Replies to pipelined lines
/// are flushed only when no further complete line is buffered.
func tlsEchoHandler(limit: Int = 1024, probe: TLSHandlerProbe) -> @Sendable (TLSConnection) -> Void {
    return { connection in
        defer { probe.handlerFinished.signal() }
        while true {
            switch connection.readLine(limit: limit) {
            case .line(let bytes):
                let text = String(decoding: bytes, as: UTF8.self)
                probe.record("line:\(text)")
                if text == "SLOW" {
                    probe.slowRequestStarted.signal()
                    Thread.sleep(forTimeInterval: 0.5)
                }
                connection.enqueue(Array("OK \(text)\n".utf8))
                if text == "BYE" {
                    try? connection.flush()
                    return
                }
                if !connection.hasBufferedLine {
                    do { try connection.flush() } catch { probe.record("writeFailed"); return }
                }
            case .tooLong:
                probe.record("tooLong")
                try? connection.write(Array("ERR TOO_LONG the line is too long\n".utf8))
                return
            case .timedOut:
                probe.record("timedOut")
                return
            case .closed:
                probe.record("closed")
                return
            }
        }
    }
}

/// A running listener with the echo handler, stopped when the test ends.
final class TLSEchoServer {
    let certificates: TLSTestCertificates
    let probe = TLSHandlerProbe()
    let listener: Listener

    init(certificates: TLSTestCertificates? = nil,
         minimumVersion: TLSMinimumVersion = .v1_3,
         host: String = "127.0.0.1",
         maxConnections: Int = 8,
         maxBusyConnections: Int = 4,
         idleTimeout: Double = 10,
         lineLimit: Int = 1024) throws {
        self.certificates = try certificates ?? TLSTestCertificates()
        let configuration = ListenerConfiguration(host: host, port: 0, maxConnections: maxConnections,
                                                  idleTimeoutSeconds: idleTimeout,
                                                  busyReply: Array("ERR BUSY too many connections\n".utf8),
                                                  maxBusyConnections: maxBusyConnections)
        listener = try Listener(configuration: configuration,
                                tls: self.certificates.serverContext(minimumVersion: minimumVersion),
                                handler: tlsEchoHandler(limit: lineLimit, probe: probe))
        listener.start()
    }

    deinit {
        listener.stop(timeout: 5)
    }

    var port: Int { listener.boundPort }

    func clientConfiguration(host: String = "127.0.0.1", trusting path: String? = nil) -> ClientConfiguration {
        ClientConfiguration(host: host, port: port, trustedCertificatePath: path ?? certificates.certificatePath,
                            timeoutSeconds: 5)
    }

    func connect() throws -> CofferConnection {
        try CofferConnection(configuration: clientConfiguration())
    }

    /// Waits until the listener has no open connection, or fails the test after `timeout`.
    func waitUntilNoConnections(timeout: Double = 5, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while listener.activeConnections > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(listener.activeConnections, 0, "connections still open", file: file, line: line)
    }
}

/// Runs `body` on a new thread and returns a semaphore signalled when it ends.
func tlsRunOnThread(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        body()
        done.signal()
    }
    thread.start()
    return done
}

extension XCTestCase {
    /// Asserts that `body` throws a `ClientError` of `kind`.
    func assertTLSClientError<T>(_ kind: ClientError.Kind, file: StaticString = #filePath, line: UInt = #line,
                              _ body: () throws -> T) {
        do {
            _ = try body()
            XCTFail("expected ClientError.\(kind), but it succeeded", file: file, line: line)
        } catch let error as ClientError {
            XCTAssertEqual(error.kind, kind, "unexpected error: \(error)", file: file, line: line)
        } catch {
            XCTFail("expected ClientError.\(kind), got \(error)", file: file, line: line)
        }
    }
}
