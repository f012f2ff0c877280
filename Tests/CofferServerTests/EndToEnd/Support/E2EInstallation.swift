import Foundation

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
