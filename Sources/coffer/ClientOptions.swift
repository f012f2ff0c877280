import CofferClient
import CofferCrypto
import CofferServer
import Foundation

/// The connection options shared by `call` and `shell`: where the server is, which certificate
/// to trust, and which token to authenticate with. Defaults come from the server's config file.
struct ClientOptions {
    static let valued: Set<String> = ["--config", "--host", "--port", "--ca", "--token-file"]

    let configuration: ClientConfiguration
    let tokenFile: String?

    init(_ arguments: CommandLineArguments) throws(CommandLineArguments.UsageError) {
        let server: ServerConfiguration
        do { server = try ServerConfiguration.load(path: arguments.options["--config"]) } catch {
            throw .init(description: error.description)
        }
        var host = arguments.options["--host"] ?? server.host
        if host == "0.0.0.0" { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
        let port = try arguments.integer("--port") ?? server.port
        let ca = arguments.options["--ca"].map { ServerConfiguration.resolve($0, against: Self.workingDirectory) } ?? server.certificatePath
        configuration = ClientConfiguration(host: host, port: port, trustedCertificatePath: ca)
        tokenFile = arguments.options["--token-file"]
    }

    /// Connects, and authenticates when a token file was given. The token travels only inside
    /// the TLS connection and is never printed.
    func connect() throws -> CofferConnection {
        try connect(tokenFile: tokenFile)
    }

    /// Connects and authenticates with the token in `tokenFile` (none: anonymous).
    func connect(tokenFile: String?) throws -> CofferConnection {
        let connection = try CofferConnection(configuration: configuration)
        if let tokenFile {
            let token = try SecretFile.read(ServerConfiguration.resolve(tokenFile, against: Self.workingDirectory), maximumBytes: 4096)
            var line: [UInt8] = Array("AUTH ".utf8)
            token.withUnsafeBytes { bytes in
                for byte in bytes where byte != 0x0A && byte != 0x0D && byte != 0x20 { line.append(byte) }
            }
            line.append(0x0A)
            defer { for i in line.indices { line[i] = 0 } }
            try connection.send(raw: line)
            guard let reply = try connection.readReplyLine(), reply.hasPrefix("OK") else {
                throw CommandLineArguments.UsageError(description: "authentication with \(tokenFile) failed")
            }
        }
        return connection
    }

    static var workingDirectory: String { FileManager.default.currentDirectoryPath }
}
