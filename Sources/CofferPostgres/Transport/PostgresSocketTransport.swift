import Foundation

/// A plain POSIX stream socket: a Unix-domain socket, the TCP socket before TLS starts
/// (for `SSLRequest`), or one end of a socket pair in tests.
final class PostgresSocketTransport: PostgresTransport {
    /// The descriptor; the TLS transport takes it over after `SSLRequest`.
    let socket: Int32
    private var isClosed = false
    /// False once the descriptor has been handed to another owner (see `releaseSocket`).
    private var ownsSocket = true

    /// Takes ownership of a connected socket and makes it non-blocking.
    init(socket: Int32) {
        self.socket = socket
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
    }

    deinit { close() }

    func write(_ bytes: UnsafeRawBufferPointer, until deadline: PostgresDeadline) throws(PostgresError) {
        guard !isClosed else { throw .connectionUnusable }
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let sent = send(socket, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent > 0 {
                offset += sent
                continue
            }
            if sent < 0 && errno == EINTR { continue }
            if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                guard PostgresSocket.wait(socket, writable: true, until: deadline) else { throw .timeout(operation: "write") }
                continue
            }
            if sent < 0 && (errno == EPIPE || errno == ECONNRESET) { throw .connectionClosed(midMessage: false) }
            throw .io("send: " + String(cString: strerror(errno)))
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, until deadline: PostgresDeadline) throws(PostgresError) -> Int {
        guard !isClosed else { throw .connectionUnusable }
        while true {
            let count = recv(socket, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return count }
            if count == 0 { throw .connectionClosed(midMessage: false) }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                guard PostgresSocket.wait(socket, writable: false, until: deadline) else { throw .timeout(operation: "read") }
                continue
            }
            if errno == ECONNRESET { throw .connectionClosed(midMessage: false) }
            throw .io("recv: " + String(cString: strerror(errno)))
        }
    }

    func hasPendingInputOrHangUp() -> Bool {
        isClosed || PostgresSocket.isReadableOrHungUp(socket)
    }

    /// Gives up ownership of the descriptor (to the TLS transport); `close` then leaves it open.
    func releaseSocket() -> Int32 {
        ownsSocket = false
        isClosed = true
        return socket
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        if ownsSocket { PostgresSocket.closeDescriptor(socket) }
    }
}
