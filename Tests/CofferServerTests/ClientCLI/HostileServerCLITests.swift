import CofferServer
import Foundation
import XCTest

/// `coffer call` and `coffer shell` against a server that answers every line with raw terminal
/// controls and bidirectional overrides (an older or a hostile server): what they print holds
/// none of them raw, only their `\uXXXX` escapes.
final class HostileServerCLITests: XCTestCase {
    /// ESC sequences that clear the screen and retitle the window, a one-byte C1 CSI, a CR that
    /// rewrites the line, a bidirectional override, a line separator.
    private static let hostileReply = Array("ERR INTERNAL \u{1B}[2J\u{1B}]0;owned\u{07}\u{9B}31m\rOK \u{202E}gpj.exe\u{2028}end\n".utf8)

    private var certificates: TLSTestCertificates!
    private var listener: Listener!
    private var directory: String!

    override func setUpWithError() throws {
        certificates = try TLSTestCertificates()
        listener = try Listener(
            configuration: ListenerConfiguration(host: "127.0.0.1", port: 0, maxConnections: 4, idleTimeoutSeconds: 10,
                                                 busyReply: Array("ERR BUSY busy\n".utf8)),
            tls: certificates.serverContext(),
            handler: { connection in
                while case .line = connection.readLine(limit: 1024) {
                    do { try connection.write(Self.hostileReply) } catch { return }
                }
            })
        listener.start()
        directory = NSTemporaryDirectory() + "coffer-hostile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        listener?.stop(timeout: 5)
        try? FileManager.default.removeItem(atPath: directory)
        super.tearDown()
    }

    private var connectionArguments: [String] {
        ["--host", "127.0.0.1", "--port", String(listener.boundPort), "--ca", certificates.certificatePath]
    }

    private func assertEscaped(_ output: String, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        let raw = output.unicodeScalars.filter {
            ($0.value < 0x20 && $0.value != 0x0A) || (0x7F...0x9F).contains($0.value) || (0x2028...0x202E).contains($0.value)
        }
        XCTAssertTrue(raw.isEmpty, "\(context) printed raw U+\(raw.map { String($0.value, radix: 16) })", file: file, line: line)
        XCTAssertTrue(output.contains(#"ERR INTERNAL \u001b[2J\u001b]0;owned\u0007\u009b31m\u000dOK \u202egpj.exe\u2028end"#),
                      "\(context) shows the reply with its escapes: \(output.debugDescription)", file: file, line: line)
    }

    func testCallPrintsAHostileReplyEscaped() throws {
        let result = try E2EProcess.run(try E2EExecutable.path(), ["call"] + connectionArguments + ["PING", "WHOAMI"], directory: directory)
        XCTAssertEqual(result.status, 1, "an ERR reply makes call exit 1; stderr: \(result.stderr)")
        assertEscaped(result.stdout, "coffer call")
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 2, "one printed line per reply")
    }

    func testShellPrintsAHostileReplyEscaped() throws {
        let result = try E2EProcess.run(try E2EExecutable.path(), ["shell"] + connectionArguments, input: "PING\n", directory: directory)
        XCTAssertEqual(result.status, 0, "stderr: \(result.stderr)")
        assertEscaped(result.stdout, "coffer shell")
    }
}
