import Foundation

/// POSIX plumbing: connecting with a deadline, waiting with `poll`.
enum PostgresSocket {
    /// Waits until `socket` is readable (or writable); false if the deadline passed first.
    static func wait(_ socket: Int32, writable: Bool, until deadline: PostgresDeadline) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(writable ? POLLOUT : POLLIN), revents: 0)
        while true {
            let timeout = deadline.remainingMilliseconds
            let count = poll(&descriptor, 1, timeout)
            if count > 0 { return true }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return true }   // the I/O call reports the error
            if timeout == 0 { return false }
        }
    }

    /// True when `socket` is readable now or hung up (a `poll` with no wait).
    static func isReadableOrHungUp(_ socket: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    /// Connects to `host`:`port` over TCP (every resolved address in turn), non-blocking,
    /// close-on-exec, with `TCP_NODELAY`. Name resolution (`getaddrinfo`) cannot be bounded:
    /// give a numeric address or a name the local resolver answers at once.
    static func connectTCP(host: String, port: Int, until deadline: PostgresDeadline) throws(PostgresError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamType
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let result = getaddrinfo(host, String(port), &hints, &list)
        guard result == 0, let list else {
            let reason = result == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(result))
            throw .connect(host: host, port: port, reason: "cannot resolve the name: \(reason)")
        }
        defer { freeaddrinfo(list) }
        var reasons: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            entry = current.pointee.ai_next
            let descriptor = socket(current.pointee.ai_family, current.pointee.ai_socktype, current.pointee.ai_protocol)
            guard descriptor >= 0 else {
                reasons.append(String(cString: strerror(errno)))
                continue
            }
            var enable: Int32 = 1
            _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
            switch finishConnect(descriptor, address: current.pointee.ai_addr, length: current.pointee.ai_addrlen, until: deadline) {
            case nil: return descriptor
            case let reason?: reasons.append(reason)
            }
        }
        throw .connect(host: host, port: port, reason: reasons.isEmpty ? "no address" : reasons.joined(separator: "; "))
    }

    /// Connects to PostgreSQL's Unix-domain socket `<directory>/.s.PGSQL.<port>`.
    static func connectUnix(directory: String, port: Int, until deadline: PostgresDeadline) throws(PostgresError) -> Int32 {
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + ".s.PGSQL.\(port)"
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            throw .invalidConfiguration("the socket path \(path) is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path.utf8)
            buffer[path.utf8.count] = 0
        }
        let descriptor = socket(AF_UNIX, streamType, 0)
        guard descriptor >= 0 else { throw .connect(host: directory, port: port, reason: String(cString: strerror(errno))) }
        let reason = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                finishConnect(descriptor, address: socketAddress, length: socklen_t(MemoryLayout<sockaddr_un>.size), until: deadline)
            }
        }
        if let reason { throw .connect(host: directory, port: port, reason: "\(path): \(reason)") }
        return descriptor
    }

    /// Makes `descriptor` non-blocking and close-on-exec and connects it; nil on success,
    /// else the reason (the descriptor is then closed).
    private static func finishConnect(_ descriptor: Int32, address: UnsafePointer<sockaddr>?, length: socklen_t,
                                      until deadline: PostgresDeadline) -> String? {
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        if connect(descriptor, address, length) != 0 {
            guard errno == EINPROGRESS || errno == EINTR || errno == EAGAIN else {
                let reason = String(cString: strerror(errno))
                closeDescriptor(descriptor)
                return reason
            }
            guard wait(descriptor, writable: true, until: deadline) else {
                closeDescriptor(descriptor)
                return "timed out"
            }
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &size)
            guard error == 0 else {
                closeDescriptor(descriptor)
                return String(cString: strerror(error))
            }
        }
        return nil
    }

    #if os(Linux)
    static let streamType = Int32(SOCK_STREAM.rawValue)
    #else
    static let streamType = SOCK_STREAM
    #endif

    /// `close(2)`, under a name that does not clash with the transports' `close()`.
    static func closeDescriptor(_ socket: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(socket)
        #else
        _ = Darwin.close(socket)
        #endif
    }
}
