import CofferTLS

/// Opens the byte stream a session runs on: a Unix-domain socket as it is, or TCP with
/// `SSLRequest` and then TLS (a server that answers `N` is refused). The sockets and TLS are
/// `CofferTLS`'s; this type holds only PostgreSQL's sequence and error mapping.
enum PostgresConnector {
    static func open(_ configuration: PostgresConfiguration, until deadline: IODeadline) throws(PostgresError) -> PostgresTransport {
        let host = configuration.host, port = configuration.port
        if configuration.usesUnixSocket {
            let path = (host.hasSuffix("/") ? host : host + "/") + ".s.PGSQL.\(port)"
            do {
                return PostgresSocketTransport(socket: try UnixSocket.connect(path: path, until: deadline))
            } catch {
                throw error.kind == .connect ? .connect(host: host, port: port, reason: "\(path): " + Self.reason(error))
                                             : PostgresError(error, during: "connect")
            }
        }
        guard let caFile = configuration.caFile, !caFile.isEmpty else {
            throw .invalidConfiguration("caFile is required over TCP")   // validate() says why
        }
        let socket: Int32
        do {
            socket = try TCPSocket.connect(host: host, port: port, until: deadline)
        } catch {
            throw .connect(host: host, port: port, reason: Self.reason(error))
        }
        do {
            try requestTLS(on: socket, host: host, port: port, until: deadline)
            return try PostgresTLSTransport(startingTLSOn: socket, serverName: configuration.tlsServerName ?? host,
                                            caFile: caFile, until: deadline)
        } catch {
            NetworkPosix.closeDescriptor(socket)
            throw error
        }
    }

    /// Sends `SSLRequest` on `socket` and reads the one-byte answer: `S` to go on with TLS.
    /// Exactly one byte is read, and `PostgresTLSTransport` refuses any byte that arrived before
    /// the handshake, so nothing sent in clear can be taken for part of the TLS session
    /// (CVE-2021-23222). The socket stays the caller's, also on failure.
    static func requestTLS(on socket: Int32, host: String, port: Int, until deadline: IODeadline) throws(PostgresError) {
        let request = try PostgresFrontendMessage.encode([.sslRequest])
        let answer: [UInt8]
        do {
            try TCPSocket.send(request, on: socket, until: deadline)
        } catch {
            throw PostgresError(error, during: "write")
        }
        do {
            answer = try TCPSocket.receive(exactly: 1, from: socket, until: deadline)
        } catch {
            throw PostgresError(error, during: "read")
        }
        guard answer == [UInt8(ascii: "S")] else {
            if answer == [UInt8(ascii: "N")] { throw .tlsNotOffered(host: host, port: port) }
            throw .protocolViolation("the server answered SSLRequest with byte \(answer[0])")
        }
    }

    /// The reasons of a failed connect, without the operation `PostgresError.connect` names already.
    private static func reason(_ error: TLSError) -> String {
        error.details.isEmpty ? error.description : error.details.joined(separator: "; ")
    }
}
