import Foundation

/// TCP plumbing for the client: connecting with a deadline and waiting with `poll`.
/// (CofferServer has its own copies of these few lines; the two modules share no lower module.)
enum ClientSocket {
    /// A point on the monotonic clock.
    struct Deadline {
        private let uptimeNanoseconds: UInt64

        init(secondsFromNow seconds: Double) {
            let clamped = seconds.isNaN ? 0 : min(max(seconds, 0), 10 * 365 * 86_400)
            uptimeNanoseconds = DispatchTime.now().uptimeNanoseconds + UInt64(clamped * 1_000_000_000)
        }

        /// Milliseconds left, rounded up, clamped to what `poll` accepts.
        var remainingMilliseconds: Int32 {
            let now = DispatchTime.now().uptimeNanoseconds
            guard uptimeNanoseconds > now else { return 0 }
            return Int32(min((uptimeNanoseconds - now + 999_999) / 1_000_000, UInt64(Int32.max)))
        }
    }

    /// Waits until `socket` is readable (or writable); false if the deadline passed first.
    static func wait(_ socket: Int32, writable: Bool, until deadline: Deadline) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(writable ? POLLOUT : POLLIN), revents: 0)
        while true {
            let timeout = deadline.remainingMilliseconds
            let count = poll(&descriptor, 1, timeout)
            if count > 0 { return true }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return true }   // let the I/O call report the error
            if timeout == 0 { return false }
        }
    }

    /// Resolves `host` and connects to the first address that answers, from `source` (a
    /// numeric address) if given; the returned socket is non-blocking, close-on-exec, with
    /// `TCP_NODELAY`.
    static func open(host: String, port: Int, from source: String? = nil, until deadline: Deadline) throws(ClientError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let result = getaddrinfo(host, String(port), &hints, &list)
        guard result == 0, let list else {
            let reason = result == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(result))
            throw ClientError(kind: .connect, message: "cannot resolve \(host)", details: [reason])
        }
        defer { freeaddrinfo(list) }
        var reasons: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            entry = current.pointee.ai_next
            switch attempt(current.pointee, from: source, until: deadline) {
            case .success(let socket): return socket
            case .failure(let reason): reasons.append(reason)
            }
        }
        throw ClientError(kind: .connect, message: "cannot connect to \(host):\(port)", details: reasons)
    }

    private enum Attempt {
        case success(Int32)
        case failure(String)
    }

    private static func attempt(_ info: addrinfo, from source: String?, until deadline: Deadline) -> Attempt {
        let descriptor = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard descriptor >= 0 else { return .failure(String(cString: strerror(errno))) }
        if let source, let reason = bind(descriptor, to: source, family: info.ai_family) {
            closeDescriptor(descriptor)
            return .failure(reason)
        }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var enable: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
        if connect(descriptor, info.ai_addr, info.ai_addrlen) != 0 {
            guard errno == EINPROGRESS || errno == EINTR else {
                let reason = String(cString: strerror(errno))
                closeDescriptor(descriptor)
                return .failure(reason)
            }
            guard wait(descriptor, writable: true, until: deadline) else {
                closeDescriptor(descriptor)
                return .failure("timed out")
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else {
                closeDescriptor(descriptor)
                return .failure(String(cString: strerror(error)))
            }
        }
        return .success(descriptor)
    }

    /// Binds `descriptor` to the numeric address `source` (any port); the reason on failure.
    private static func bind(_ descriptor: Int32, to source: String, family: Int32) -> String? {
        var hints = addrinfo()
        hints.ai_family = family
        hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(source, nil, &hints, &list) == 0, let list, let address = list.pointee.ai_addr else {
            return "the source address \(source) is not a numeric address of this family"
        }
        defer { freeaddrinfo(list) }
        #if canImport(Glibc)
        let result = Glibc.bind(descriptor, address, list.pointee.ai_addrlen)
        #else
        let result = Darwin.bind(descriptor, address, list.pointee.ai_addrlen)
        #endif
        return result == 0 ? nil : "cannot bind to \(source): " + String(cString: strerror(errno))
    }

    /// `close(2)`, under a name that does not clash with `CofferConnection.close()`.
    static func closeDescriptor(_ socket: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(socket)
        #else
        _ = Darwin.close(socket)
        #endif
    }
}
