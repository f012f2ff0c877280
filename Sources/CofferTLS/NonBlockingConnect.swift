import Foundation

/// Connecting a new socket without waiting past a deadline; shared by `TCPSocket` and
/// `UnixSocket`.
enum NonBlockingConnect {
    /// Makes `descriptor` close-on-exec and non-blocking, connects it to `address` and waits
    /// until `deadline` for the connection to complete. Returns nil on success; otherwise the
    /// reason, and `descriptor` is closed.
    static func run(_ descriptor: Int32, to address: UnsafePointer<sockaddr>, length: socklen_t,
                    until deadline: IODeadline) -> String? {
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        guard Foundation.connect(descriptor, address, length) != 0 else { return nil }
        // EAGAIN (a Unix socket's full backlog) is a refusal, not a connection in progress.
        guard errno == EINPROGRESS || errno == EINTR else {
            return closing(descriptor, reason: NetworkPosix.errorText())
        }
        guard SocketWait.wait(descriptor, for: .writable, until: deadline) == .ready else {
            return closing(descriptor, reason: "timed out")
        }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &size)
        return error == 0 ? nil : closing(descriptor, reason: NetworkPosix.errorText(error))
    }

    private static func closing(_ descriptor: Int32, reason: String) -> String {
        NetworkPosix.closeDescriptor(descriptor)
        return reason
    }
}
