import CofferTLS

/// A plain stream socket: PostgreSQL's Unix-domain socket, or one end of a socket pair in
/// tests. A thin adapter onto `CofferTLS`'s plaintext socket I/O.
final class PostgresSocketTransport: PostgresTransport {
    private let socket: Int32
    private var isClosed = false

    /// Takes ownership of a connected stream socket (blocking or not).
    init(socket: Int32) {
        self.socket = socket
    }

    deinit { close() }

    func write(_ bytes: UnsafeRawBufferPointer, until deadline: IODeadline) throws(PostgresError) {
        guard !isClosed else { throw .connectionUnusable }
        do {
            try TCPSocket.send(bytes, on: socket, until: deadline)
        } catch {
            throw PostgresError(error, during: "write")
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, until deadline: IODeadline) throws(PostgresError) -> Int {
        guard !isClosed else { throw .connectionUnusable }
        do {
            return try TCPSocket.receive(into: buffer, from: socket, until: deadline)
        } catch {
            throw PostgresError(error, during: "read")
        }
    }

    func hasPendingInputOrHangUp() -> Bool {
        isClosed || SocketWait.isReadableNow(socket)
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        NetworkPosix.closeDescriptor(socket)
    }
}
