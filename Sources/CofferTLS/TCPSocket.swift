import Foundation

/// A TCP connection before (or without) TLS: connecting with a deadline, and the plaintext
/// exchange some protocols run before their TLS handshake (PostgreSQL's `SSLRequest`).
/// `send` and `receive` work on any connected stream socket, also a Unix-domain one
/// (`UnixSocket`). Every wait is a `poll` bounded by the caller's deadline.
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
        // (Array's `withUnsafeBytes` rethrows untyped errors, so the failure is carried out.)
        let failure: TLSError? = bytes.withUnsafeBytes { buffer in
            do throws(TLSError) { try send(buffer, on: socket, until: deadline) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Sends every byte of `bytes` in the clear on any connected stream socket (TCP or
    /// Unix-domain, blocking or not), or throws (`.timeout` at `deadline`, `.closed` when the
    /// peer has gone, `.io`).
    public static func send(_ bytes: UnsafeRawBufferPointer, on socket: Int32, until deadline: IODeadline) throws(TLSError) {
        ignoreBrokenPipes()
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let sent = Foundation.send(socket, base + offset, bytes.count - offset, Int32(MSG_DONTWAIT))
            if sent > 0 {
                offset += sent
                continue
            }
            if sent < 0 && (errno == EPIPE || errno == ECONNRESET) {
                throw TLSError(kind: .closed, operation: "send", details: [NetworkPosix.errorText()])
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
            let outcome = bytes.withUnsafeMutableBytes { buffer in
                receiveOnce(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), from: socket)
            }
            switch outcome {
            case .received(let received):
                filled += received
            case .endOfStream:
                throw TLSError(kind: .closed, operation: "receive", details: ["the peer closed the connection after \(filled) of \(count) bytes"])
            case .failed(let failure):
                throw failure
            case .wouldBlock:
                if SocketWait.wait(socket, for: .readable, until: deadline) == .timedOut {
                    throw TLSError(kind: .timeout, operation: "receive", details: ["\(filled) of \(count) bytes arrived by the deadline"])
                }
            }
        }
        return bytes
    }

    /// Receives what has arrived (at least one byte, at most `buffer.count`) on any connected
    /// stream socket, waiting until `deadline` for the first byte, and returns how many bytes
    /// it wrote to the start of `buffer`. Throws `.closed` at the end of the stream or when the
    /// peer reset the connection, `.timeout` at `deadline`, `.io`. An empty buffer receives 0.
    public static func receive(into buffer: UnsafeMutableRawBufferPointer, from socket: Int32, until deadline: IODeadline) throws(TLSError) -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            switch receiveOnce(into: buffer, from: socket) {
            case .received(let count):
                return count
            case .endOfStream:
                throw TLSError(kind: .closed, operation: "receive", details: ["the peer closed the connection"])
            case .failed(let failure):
                throw failure
            case .wouldBlock:
                if SocketWait.wait(socket, for: .readable, until: deadline) == .timedOut {
                    throw TLSError(kind: .timeout, operation: "receive", details: ["nothing arrived by the deadline"])
                }
            }
        }
    }

    private enum ReceiveOutcome {
        case received(Int)
        case endOfStream
        case wouldBlock
        case failed(TLSError)
    }

    /// One non-blocking `recv` into `buffer` (not empty).
    private static func receiveOnce(into buffer: UnsafeMutableRawBufferPointer, from socket: Int32) -> ReceiveOutcome {
        let received = recv(socket, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT))
        if received > 0 { return .received(received) }
        if received == 0 { return .endOfStream }
        switch errno {
        case EAGAIN, EWOULDBLOCK, EINTR: return .wouldBlock
        case ECONNRESET: return .failed(TLSError(kind: .closed, operation: "receive", details: [NetworkPosix.errorText()]))
        default: return .failed(TLSError(kind: .io, operation: "receive", details: [NetworkPosix.errorText()]))
        }
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
        var enable: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
        guard let address = info.ai_addr else {
            NetworkPosix.closeDescriptor(descriptor)
            return .failure("no address")
        }
        if let reason = NonBlockingConnect.run(descriptor, to: address, length: info.ai_addrlen, until: deadline) {
            return .failure(reason)
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
