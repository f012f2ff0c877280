import CofferClient
import CofferServer
import CofferStore
import Foundation

/// The server `--start-server` runs inside the benchmark's own process: a fresh `CofferService`
/// in a temporary directory, on a loopback port chosen by the system, bootstrapped exactly as
/// on a first start (master key, self-signed certificate, operator token). The benchmark still
/// talks to it over TLS through the loopback interface, like any client.
final class NetworkBenchmarkServer {
    /// The temporary directory holding `config/`, `data/` and `keys/`; removed by `stop()`.
    let directory: String
    private let service: CofferService
    private var isStopped = false

    /// Starts the server, allowing at least `connections` simultaneous clients.
    init(connections: Int) throws(NetworkBenchmarkError) {
        directory = NSTemporaryDirectory() + "coffer-bench-net-\(UUID().uuidString)"
        do {
            try FileManager.default.createDirectory(atPath: directory + "/config", withIntermediateDirectories: true)
        } catch {
            throw .server("cannot create \(directory): \(error.localizedDescription)")
        }
        var configuration = ServerConfiguration(baseDirectory: directory + "/config")
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.maxConnections = max(configuration.maxConnections, connections + 8)
        // Every benchmark client connects from 127.0.0.1: one address, as behind a proxy.
        configuration.maxConnectionsPerAddress = 0
        do {
            service = try CofferService(configuration: configuration)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw .server(error.description)
        }
        service.start()
    }

    deinit { stop() }

    /// The server's vault, for loading data directly (`coffer bench growth`).
    var vault: Vault { service.vault }

    /// How to reach it: loopback, its port, its own certificate, its operator token file.
    var target: NetworkBenchmarkTarget {
        NetworkBenchmarkTarget(
            configuration: ClientConfiguration(host: "127.0.0.1", port: service.port,
                                               trustedCertificatePath: service.configuration.certificatePath),
            operatorTokenPath: service.configuration.operatorTokenPath)
    }

    /// Stops the service and removes its directory (idempotent).
    func stop() {
        guard !isStopped else { return }
        isStopped = true
        service.stop(timeout: 10)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
