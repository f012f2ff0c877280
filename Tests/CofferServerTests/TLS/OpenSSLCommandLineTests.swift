import Foundation
import XCTest
import CofferServer

/// Interoperability with a TLS client that is not ours: `openssl s_client`.
final class OpenSSLCommandLineTests: XCTestCase {
    func testOpenSSLClientVerifiesTheCertificateAndGetsReplies() throws {
        let executable = "/usr/bin/openssl"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw XCTSkip("\(executable) is not installed")
        }
        let server = try TLSEchoServer()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["s_client", "-quiet", "-connect", "127.0.0.1:\(server.port)",
                             "-CAfile", server.certificates.certificatePath, "-verify_return_error"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // "BYE" makes the handler end the session, so s_client sees close_notify and exits.
        input.fileHandleForWriting.write(Data("PING\nBYE\n".utf8))

        let received = OpenSSLOutputBytes()
        let descriptor = output.fileHandleForReading.fileDescriptor
        let finished = tlsRunOnThread { received.readToEnd(descriptor) }
        if finished.wait(timeout: .now() + 10) == .timedOut {
            process.terminate()
            XCTFail("openssl s_client did not finish")
            return
        }
        process.waitUntilExit()
        XCTAssertEqual(received.text, "OK PING\nOK BYE\n")
        XCTAssertEqual(server.probe.events, ["line:PING", "line:BYE"])
    }
}

/// Bytes read from a pipe on another thread.
// @unchecked Sendable: `bytes` is only touched under `lock`.
private final class OpenSSLOutputBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []

    /// Reads until EOF, retrying reads interrupted by signals (SIGCHLD from the child process).
    func readToEnd(_ descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            lock.lock()
            bytes.append(contentsOf: buffer[0..<count])
            lock.unlock()
        }
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }
}
