import Foundation

/// A TCP connection before (or without) TLS: connecting with a deadline, and the plaintext
/// exchange some protocols run before their TLS handshake (PostgreSQL's `SSLRequest`).
/// Every wait is a `poll` bounded by the caller's deadline.
public enum TCPSocket {
    /// Resolves `host` and connects to the first address that answers, from `source` (a numeric
    /// address, for a host with several) if given. The socket returned is non-blocking,
    /// close-on-exec, with `TCP_NODELAY`, and owned by the caller. Throws `.connect`.
    public static func connect(host: String, port: Int, from source: String? = nil, until deadline: IODeadline) throws(TLSError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = NetworkPosix.streamType
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let result = getaddrinfo(host, String(port), &hints, &list)
        guard result == 0, let list else {
            let reason = result == EAI_SYSTEM ? NetworkPosix.errorText() : String(cString: gai_strerror(result))
            throw TLSError(kind: .connect, operation: "resolve \(host)", details: [reason])
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
        throw TLSError(kind: .connect, operation: "connect to \(host):\(port)", details: reasons)
    }

    /// Sends every byte of `bytes` in the clear, or throws (`.timeout` at `deadline`, `.io`).
    public static func send(_ bytes: [UInt8], on socket: Int32, until deadline: IODeadline) throws(TLSError) {
        ignoreBrokenPipes()
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { buffer in
                Foundation.send(socket, buffer.baseAddress! + offset, buffer.count - offset, 0)
            }
            if sent > 0 {
                offset += sent
                continue
            }
            guard sent < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw TLSError(kind: .io, operation: "send", details: [NetworkPosix.errorText()])
            }
            if SocketWait.wait(socket, for: .writable, until: deadline) == .timedOut {
                throw TLSError(kind: .timeout, operation: "send", details: ["the peer did not accept data by the deadline"])
            }
        }
    }

    /// Receives exactly `count` plaintext bytes and never more: whatever the peer sent after
    /// them stays in the socket for the TLS handshake (`TLSStream(startingTLSOn:…)`).
    /// Throws `.closed` when the peer closes first, `.timeout` at `deadline`, `.io`.
    public static func receive(exactly count: Int, from socket: Int32, until deadline: IODeadline) throws(TLSError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(count, 0))
        var filled = 0
        while filled < bytes.count {
            let received = bytes.withUnsafeMutableBytes { buffer in
                recv(socket, buffer.baseAddress! + filled, buffer.count - filled, 0)
            }
            if received > 0 {
                filled += received
                continue
            }
            if received == 0 {
                throw TLSError(kind: .closed, operation: "receive", details: ["the peer closed the connection after \(filled) of \(count) bytes"])
            }
            guard errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                throw TLSError(kind: .io, operation: "receive", details: [NetworkPosix.errorText()])
            }
            if SocketWait.wait(socket, for: .readable, until: deadline) == .timedOut {
                throw TLSError(kind: .timeout, operation: "receive", details: ["\(filled) of \(count) bytes arrived by the deadline"])
            }
        }
        return bytes
    }

    /// The number of bytes that have arrived on `socket` and are not read yet (0 at EOF or on error).
    static func pendingByteCount(_ socket: Int32) -> Int {
        var byte: UInt8 = 0
        let peeked = recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return max(peeked, 0)
    }

    /// Makes the process ignore SIGPIPE (once; later calls do nothing): OpenSSL writes to the
    /// socket with plain `write`, and a peer that has gone away must produce an error, not kill
    /// the process. Every `TLSStream` and every plaintext `send` calls it.
    static func ignoreBrokenPipes() {
        _ = brokenPipesIgnored
    }

    private static let brokenPipesIgnored: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    private enum Attempt {
        case success(Int32)
        case failure(String)
    }

    private static func attempt(_ info: addrinfo, from source: String?, until deadline: IODeadline) -> Attempt {
        let descriptor = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard descriptor >= 0 else { return .failure(NetworkPosix.errorText()) }
        if let source, let reason = bind(descriptor, to: source, family: info.ai_family) {
            NetworkPosix.closeDescriptor(descriptor)
            return .failure(reason)
        }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var enable: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
        if Foundation.connect(descriptor, info.ai_addr, info.ai_addrlen) != 0 {
            guard errno == EINPROGRESS || errno == EINTR else {
                let reason = NetworkPosix.errorText()
                NetworkPosix.closeDescriptor(descriptor)
                return .failure(reason)
            }
            guard SocketWait.wait(descriptor, for: .writable, until: deadline) == .ready else {
                NetworkPosix.closeDescriptor(descriptor)
                return .failure("timed out")
            }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else {
                NetworkPosix.closeDescriptor(descriptor)
                return .failure(NetworkPosix.errorText(error))
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
        return result == 0 ? nil : "cannot bind to \(source): " + NetworkPosix.errorText()
    }
}
