import Foundation
import CofferClient
#if canImport(Glibc)
import Glibc
#endif

/// A running `coffer serve` child process and the port it printed.
final class E2EServeProcess {
    let child: E2EProcess
    let port: Int
    let installation: E2EInstallation

    init(installation: E2EInstallation) throws {
        self.installation = installation
        child = try E2EProcess(try E2EExecutable.path(), ["serve", "--config", installation.configPath])
        guard child.waitForStandardError(containing: "listening on ", timeout: 20) else {
            _ = child.waitForExit(timeout: 2)
            throw E2EFailure("coffer serve printed no `listening on` line; stderr: \(child.standardError)")
        }
        // Read the rest of the line: the address follows once the line is complete.
        var found: Int?
        let deadline = Date(timeIntervalSinceNow: 5)
        while found == nil && Date() < deadline {
            found = Self.port(in: child.standardError)
            if found == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let found else { throw E2EFailure("no port in the `listening on` line: \(child.standardError)") }
        port = found
    }

    /// The port of the first `listening on HOST:PORT` line in `text`, once that line is complete.
    static func port(in text: String) -> Int? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            guard let range = line.range(of: "listening on ") else { continue }
            let address = line[range.upperBound...].split(separator: " ").first ?? ""
            guard let colon = address.lastIndex(of: ":") else { return nil }
            return Int(address[address.index(after: colon)...])
        }
        return nil
    }

    /// A TLS client to this server, trusting the certificate the server uses.
    func connect() throws -> E2EClient {
        E2EClient(try CofferConnection(configuration: ClientConfiguration(
            host: "127.0.0.1", port: port, trustedCertificatePath: installation.certificatePath, timeoutSeconds: 5)))
    }

    /// SIGTERM, then the exit status (nil if it did not exit within `timeout`).
    @discardableResult
    func terminate(signal number: Int32 = SIGTERM, timeout: Double = 15) -> Int32? {
        child.send(signal: number)
        return child.waitForExit(timeout: timeout)
    }

    /// Stops the server with SIGTERM and requires a clean exit.
    func stop() throws {
        let status = terminate()
        guard status == 0 else { throw E2EFailure("coffer serve exited with \(String(describing: status)) after SIGTERM") }
    }
}
