import CofferTLS

/// TLS over the TCP socket that `SSLRequest` was answered `S` on: a thin adapter onto
/// `CofferTLS`'s `TLSStream`, verified like libpq's `sslmode=verify-full` (the chain must lead
/// to a certificate in `caFile`, and the leaf must name the host, sent as SNI, or carry its IP
/// address). The protocol policy is `CofferTLS`'s `TLSPolicy`.
final class PostgresTLSTransport: PostgresTransport {
    private let stream: TLSStream

    /// Starts TLS on `socket` (connected, non-blocking) and handshakes by `deadline`, refusing
    /// a peer that sent anything before the handshake. On success the transport owns the
    /// socket; on failure the caller still does.
    init(startingTLSOn socket: Int32, serverName: String, caFile: String, until deadline: IODeadline) throws(PostgresError) {
        do {
            // A context per connection reads `caFile` afresh, so a renewed CA takes effect on
            // the next connection; connections are long-lived, so the cost is small.
            let context = try TLSClientContext(configuration: TLSClientConfiguration(trustedCertificatesPath: caFile))
            stream = try TLSStream(startingTLSOn: socket, context: context, serverName: serverName, until: deadline)
        } catch {
            throw PostgresError(error, during: "TLS handshake")
        }
    }

    deinit { close() }

    func write(_ bytes: UnsafeRawBufferPointer, until deadline: IODeadline) throws(PostgresError) {
        guard !stream.isClosed, !stream.hasFailed else { throw .connectionUnusable }
        do {
            try stream.write(bytes, until: deadline)
        } catch {
            throw PostgresError(error, during: "write")
        }
    }

    /// Reads at least one byte. The end of the stream, with or without close_notify, is
    /// `.connectionClosed`; a timeout is `.timeout` (the connection then breaks the session).
    func read(into buffer: UnsafeMutableRawBufferPointer, until deadline: IODeadline) throws(PostgresError) -> Int {
        guard !stream.isClosed, !stream.hasFailed else { throw .connectionUnusable }
        guard buffer.count > 0 else { return 0 }
        let result: TLSStream.ReadResult
        do {
            result = try stream.read(into: buffer, until: deadline)
        } catch {
            throw PostgresError(error, during: "read")
        }
        switch result {
        case .received(let count): return count
        case .closeNotify, .truncated: throw .connectionClosed(midMessage: false)
        case .timedOut, .woken: throw .timeout(operation: "read")
        }
    }

    func hasPendingInputOrHangUp() -> Bool {
        stream.isClosed || stream.hasFailed || stream.isReadableNow
    }

    /// Sends close_notify after a clean session (the stream never sends it after a fatal
    /// error) without waiting, and closes the socket.
    func close() {
        guard !stream.isClosed else { return }
        stream.sendCloseNotify(until: IODeadline(secondsFromNow: 0))
        stream.close()
    }
}
