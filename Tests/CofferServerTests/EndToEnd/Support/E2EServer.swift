import Foundation
import XCTest
import CofferServer
import CofferClient

/// A real `CofferService` on a loopback port, with its data, keys and TLS files in a fresh
/// temporary directory. Everything is created by the server's own bootstrap, exactly as on a
/// first start; the directory is removed by `shutDown()`.
final class E2EServer {
    /// The temporary directory holding `config/`, `data/` and `keys/`.
    let directory: String
    let configuration: ServerConfiguration
    let service: CofferService
    /// The operator token the bootstrap wrote to `<keys>/operator.token`, without its newline.
    let operatorToken: String
    private var isShutDown = false

    /// Starts a server; `configure` may change limits, the TLS version and so on (the paths and
    /// `port = 0` are set before it runs, so it can also override them).
    init(clock: ServiceClock = .system, configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        directory = NSTemporaryDirectory() + "coffer-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/config", withIntermediateDirectories: true)
        var configuration = ServerConfiguration(baseDirectory: directory + "/config")
        configuration.port = 0
        // Long enough never to disturb a test, short enough that a hung test ends.
        configuration.idleTimeoutSeconds = 30
        configure(&configuration)
        self.configuration = configuration
        do {
            service = try CofferService(configuration: configuration, clock: clock)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        service.start()
        guard let data = FileManager.default.contents(atPath: configuration.operatorTokenPath) else {
            service.stop(timeout: 1)
            throw E2EFailure("the bootstrap wrote no operator token")
        }
        operatorToken = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        shutDown()
    }

    /// The port the service bound.
    var port: Int { service.port }

    /// The self-signed certificate the bootstrap created; clients trust exactly this file.
    var certificatePath: String { configuration.certificatePath }

    /// A client configuration that verifies the server against its own certificate.
    func clientConfiguration(minimumVersion: ClientTLSVersion? = nil, maximumVersion: ClientTLSVersion? = nil,
                             timeoutSeconds: Double = 5, sourceAddress: String? = nil) -> ClientConfiguration {
        ClientConfiguration(host: "127.0.0.1", port: port, trustedCertificatePath: certificatePath,
                            minimumVersion: minimumVersion, maximumVersion: maximumVersion,
                            timeoutSeconds: timeoutSeconds, sourceAddress: sourceAddress)
    }

    /// Opens a new TLS connection (anonymous until it sends `AUTH`), from the loopback address
    /// `source` if given (127.0.0.0/8 offers many client addresses on one machine).
    func connect(timeoutSeconds: Double = 5, from source: String? = nil) throws -> E2EClient {
        E2EClient(try CofferConnection(configuration: clientConfiguration(timeoutSeconds: timeoutSeconds, sourceAddress: source)))
    }

    /// Opens a connection and authenticates it with `token`, failing if `AUTH` is refused.
    func connect(token: String) throws -> E2EClient {
        let client = try connect()
        let reply = try client.auth(token)
        guard reply.hasPrefix("OK ") else {
            throw E2EFailure("AUTH was refused: \(E2EClient.redacted(reply))")
        }
        return client
    }

    /// A connection authenticated as the operator.
    func connectAsOperator() throws -> E2EClient {
        try connect(token: operatorToken)
    }

    /// Stops the service (idempotent) and removes the temporary directory.
    func shutDown() {
        guard !isShutDown else { return }
        isShutDown = true
        service.stop(timeout: 5)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
