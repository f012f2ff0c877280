import Foundation

/// Connecting to a Unix-domain stream socket by path (PostgreSQL's `<dir>/.s.PGSQL.<port>`),
/// with a deadline. Plaintext I/O on the socket uses `TCPSocket.send` and `TCPSocket.receive`,
/// which work on any connected stream socket.
public enum UnixSocket {
    /// Connects to the socket at `path`. The descriptor returned is non-blocking, close-on-exec
    /// and owned by the caller. Throws `.configuration` for a path too long for `sockaddr_un`
    /// or containing NUL, `.connect` (naming the path) when nothing accepts the connection.
    public static func connect(path: String, until deadline: IODeadline) throws(TLSError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !path.isEmpty, !path.utf8.contains(0), path.utf8.count < capacity else {
            throw TLSError(kind: .configuration, operation: "connect to \(path)",
                           details: ["a socket path must be 1 to \(capacity - 1) bytes without NUL"])
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }
        let descriptor = socket(AF_UNIX, NetworkPosix.streamType, 0)
        guard descriptor >= 0 else {
            throw TLSError(kind: .connect, operation: "connect to \(path)", details: [NetworkPosix.errorText()])
        }
        let reason = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                NonBlockingConnect.run(descriptor, to: generic, length: socklen_t(MemoryLayout<sockaddr_un>.size), until: deadline)
            }
        }
        if let reason { throw TLSError(kind: .connect, operation: "connect to \(path)", details: [reason]) }
        return descriptor
    }
}
