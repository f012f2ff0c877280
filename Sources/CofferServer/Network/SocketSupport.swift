import Foundation
import CofferTLS

/// Small socket helpers shared by the listener and its connection threads.
enum SocketSupport {
    /// Creates a stream socket that is not inherited by child processes.
    static func makeStreamSocket(family: Int32) -> Int32 {
        #if os(Linux)
        return socket(family, NetworkPosix.streamType | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let descriptor = socket(family, NetworkPosix.streamType, 0)
        if descriptor >= 0 { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return descriptor
        #endif
    }

    /// Accepts one pending connection (close-on-exec), filling in the peer's address.
    static func accept(from listening: Int32, peer: inout sockaddr_storage) -> Int32 {
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        return withUnsafeMutablePointer(to: &peer) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                // (accept4 needs _GNU_SOURCE, which Swift's Glibc import does not define.)
                let descriptor = Foundation.accept(listening, address, &length)
                if descriptor >= 0 { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
                return descriptor
            }
        }
    }

    /// Sets `O_NONBLOCK`; returns false on failure.
    @discardableResult
    static func setNonBlocking(_ descriptor: Int32) -> Bool {
        let flags = fcntl(descriptor, F_GETFL)
        return flags >= 0 && fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0
    }

    /// Prepares an accepted connection: non-blocking (every wait is a `poll` with a deadline),
    /// `TCP_NODELAY` (small replies must not wait for Nagle), and `SO_RCVTIMEO`/`SO_SNDTIMEO`
    /// set to the idle timeout as a second bound should a call ever run in blocking mode.
    static func configureConnection(_ descriptor: Int32, timeoutSeconds: Double) {
        setNonBlocking(descriptor)
        var enable: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
        let seconds = max(timeoutSeconds, 0.001)
        var timeout = timeval()
        timeout.tv_sec = .init(seconds.rounded(.down))
        timeout.tv_usec = .init((seconds - seconds.rounded(.down)) * 1_000_000)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The numeric "host:port" of a socket address ("[::1]:7443" for IPv6), for logs.
    static func describe(_ address: sockaddr_storage) -> String {
        var address = address
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let result = withUnsafePointer(to: &address) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                getnameinfo(pointer, socklen_t(MemoryLayout<sockaddr_storage>.size), &host, socklen_t(host.count),
                            &service, socklen_t(service.count), NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard result == 0 else { return "unknown peer" }
        let hostText = NetworkPosix.string(fromCString: host)
        let serviceText = NetworkPosix.string(fromCString: service)
        return hostText.contains(":") ? "[\(hostText)]:\(serviceText)" : "\(hostText):\(serviceText)"
    }
}
