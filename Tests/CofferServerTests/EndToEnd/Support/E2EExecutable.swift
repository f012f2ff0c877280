import Foundation
import CofferClient

/// The `coffer` executable that SwiftPM built next to the test bundle (the test target depends
/// on it), and a temporary installation for running `coffer serve` against.
enum E2EExecutable {
    /// The path of the built `coffer`, found beside the running test bundle.
    static func path() throws -> String {
        var directories: [URL] = []
        if let first = CommandLine.arguments.first {
            let url = URL(fileURLWithPath: first).resolvingSymlinksInPath()
            directories += [url.deletingLastPathComponent(), url.deletingLastPathComponent().deletingLastPathComponent()]
        }
        directories += [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        for directory in directories {
            let candidate = directory.appendingPathComponent("coffer").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw E2EFailure("no coffer executable beside the test bundle (looked in \(directories.map(\.path)))")
    }

    /// Runs `coffer` with `arguments` to completion.
    static func run(_ arguments: [String], timeout: Double = 20) throws -> (status: Int32?, stdout: String, stderr: String) {
        try E2EProcess.run(try path(), arguments, timeout: timeout)
    }
}

/// A temporary root with `config/coffer.json`; with the contract's default relative paths the
/// server keeps its data in `data/` and its keys in `keys/` beside `config/`.
final class E2EInstallation {
    let root: String
    var configPath: String { root + "/config/coffer.json" }
    var dataDirectory: String { root + "/data" }
    var keysDirectory: String { root + "/keys" }
    var masterKeyPath: String { keysDirectory + "/master.key" }
    var operatorTokenPath: String { keysDirectory + "/operator.token" }
    var certificatePath: String { keysDirectory + "/tls/server.crt" }
    var privateKeyPath: String { keysDirectory + "/tls/server.key" }

    /// Creates the root and writes `config` (JSON text) as the config file.
    init(config: String = #"{"listen": {"host": "127.0.0.1", "port": 0}}"#) throws {
        root = NSTemporaryDirectory() + "coffer-e2e-bin-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
        try writeConfig(config)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    func writeConfig(_ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    /// Every path under the root except the config directory, relative to the root.
    func createdPaths() -> [String] {
        let all = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        return all.filter { $0 != "config" && !$0.hasPrefix("config/") }.sorted()
    }

    /// The operator token the bootstrap wrote.
    func operatorToken() throws -> String {
        guard let data = FileManager.default.contents(atPath: operatorTokenPath) else { throw E2EFailure("no operator token") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The permission bits of `path`.
    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func setMode(_ mode: Int, _ path: String) throws {
        try FileManager.default.setAttributes([.posixPermissions: NSNumber(value: mode)], ofItemAtPath: path)
    }

    /// Starts `coffer serve --config <config>` and waits for its `listening on` line.
    func serve() throws -> E2EServeProcess {
        try E2EServeProcess(installation: self)
    }

    /// Runs the server once so that it bootstraps its keys and databases, then stops it.
    func bootstrap() throws {
        let server = try serve()
        try server.stop()
    }

    /// Runs `coffer serve` expecting a refusal; returns the exit status and standard error.
    func serveExpectingRefusal(timeout: Double = 15) throws -> (status: Int32?, stderr: String) {
        let result = try E2EExecutable.run(["serve", "--config", configPath], timeout: timeout)
        return (result.status, result.stderr)
    }
}

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
