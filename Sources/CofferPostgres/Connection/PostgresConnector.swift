/// Opens the byte stream a session runs on: a Unix-domain socket as it is, or TCP with
/// `SSLRequest` and then TLS (a server that answers `N` is refused).
enum PostgresConnector {
    static func open(_ configuration: PostgresConfiguration, until deadline: PostgresDeadline) throws(PostgresError) -> PostgresTransport {
        if configuration.usesUnixSocket {
            let socket = try PostgresSocket.connectUnix(directory: configuration.host, port: configuration.port, until: deadline)
            return PostgresSocketTransport(socket: socket)
        }
        let socket = try PostgresSocket.connectTCP(host: configuration.host, port: configuration.port, until: deadline)
        let plain = PostgresSocketTransport(socket: socket)
        try requestTLS(on: plain, host: configuration.host, port: configuration.port, until: deadline)
        do {
            return try PostgresTLSTransport(socket: plain.releaseSocket(), serverName: configuration.tlsServerName ?? configuration.host,
                                            caFile: configuration.caFile ?? "", until: deadline)
        } catch {
            PostgresSocket.closeDescriptor(socket)
            throw error
        }
    }

    /// Sends `SSLRequest` and reads the one-byte answer: `S` to go on with TLS. Exactly one
    /// byte is read, so nothing the server (or someone in between) sent in clear after it can
    /// be taken for part of the TLS session (CVE-2021-23222).
    static func requestTLS(on transport: PostgresSocketTransport, host: String, port: Int, until deadline: PostgresDeadline) throws(PostgresError) {
        let request = try PostgresFrontendMessage.encode([.sslRequest])
        do {
            try transport.write(request, until: deadline)
        } catch {
            transport.close()
            throw error
        }
        var answer: UInt8 = 0
        do {
            _ = try withUnsafeMutableBytes(of: &answer) { (buffer) throws(PostgresError) -> Int in
                try transport.read(into: buffer, until: deadline)
            }
        } catch {
            transport.close()
            throw error
        }
        guard answer == UInt8(ascii: "S") else {
            transport.close()
            if answer == UInt8(ascii: "N") { throw .tlsNotOffered(host: host, port: port) }
            throw .protocolViolation("the server answered SSLRequest with byte \(answer)")
        }
    }
}
