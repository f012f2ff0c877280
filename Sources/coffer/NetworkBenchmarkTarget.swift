import CofferClient
import CofferCrypto
import Foundation

/// The server under test: where to connect, which certificate to trust, and the operator token
/// that creates and shreds the benchmark's tenant.
struct NetworkBenchmarkTarget: Sendable {
    /// Host, port and trusted certificate of the server.
    let configuration: ClientConfiguration
    /// The file holding the operator token (read with its permissions checked, never printed).
    let operatorTokenPath: String

    /// Opens a TLS connection.
    func connect() throws(NetworkBenchmarkError) -> CofferConnection {
        do { return try CofferConnection(configuration: configuration) } catch { throw .client(error) }
    }

    /// Opens a connection authenticated as the operator.
    func connectAsOperator() throws(NetworkBenchmarkError) -> CofferConnection {
        let token: SecureBytes
        do { token = try SecretFile.read(operatorTokenPath, maximumBytes: 4096) } catch { throw .tokenFile(error.description) }
        let connection = try connect()
        try Self.authenticate(connection, token: token, as: "the operator")
        return connection
    }

    /// Sends `AUTH <token>` built in a buffer that is wiped afterwards, and requires an `OK`.
    /// Line breaks and spaces around the token (as in a token file) are left out.
    static func authenticate(_ connection: CofferConnection, token: SecureBytes, as who: String) throws(NetworkBenchmarkError) {
        var line: [UInt8] = []
        // Reserved up front so no reallocation leaves a partial copy of the token behind.
        line.reserveCapacity(token.count + 6)
        line += Array("AUTH ".utf8)
        token.withUnsafeBytes { bytes in
            for byte in bytes where byte != 0x0A && byte != 0x0D && byte != 0x20 { line.append(byte) }
        }
        line.append(0x0A)
        // explicit_bzero, unlike a plain loop, is never optimised away as a dead store.
        defer { line.withUnsafeMutableBytes { if let base = $0.baseAddress { explicit_bzero(base, $0.count) } } }
        let reply: String?
        do {
            try connection.send(raw: line)
            reply = try connection.readReplyLine()
        } catch {
            throw .client(error)
        }
        guard let reply else { throw .closedEarly("AUTH as \(who)") }
        guard reply.hasPrefix("OK") else { throw .refusal("AUTH as \(who)", reply) }
    }
}
