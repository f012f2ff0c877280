import Foundation
import CofferTLS

/// Resolves the configured host and binds a listening socket to every address it names
/// (so "localhost" serves both 127.0.0.1 and ::1), all on the same port.
enum ListeningSockets {
    /// The pending-connection queue length requested from `listen` (the kernel may cap it).
    static let backlog: Int32 = 511

    /// One resolved address.
    private struct Address {
        var storage: sockaddr_storage
        var length: socklen_t
        var family: Int32
        var numericHost: String
    }

    /// Binds and listens; returns the non-blocking sockets and the real port.
    static func open(host: String, port: Int) throws(NetworkError) -> (descriptors: [Int32], port: Int) {
        guard (0...65_535).contains(port) else {
            throw NetworkError(operation: "cannot bind \(host):\(port)", reason: "the port must be between 0 and 65535")
        }
        let addresses = try resolve(host: host, port: port)
        var descriptors: [Int32] = []
        var boundPort = port
        for var address in addresses {
            if boundPort != port { setPort(boundPort, in: &address) }
            do {
                let descriptor = try bindAndListen(address, port: boundPort, ipv6Only: addresses.count > 1)
                descriptors.append(descriptor)
                if boundPort == 0 { boundPort = localPort(of: descriptor) }
            } catch {
                descriptors.forEach(NetworkPosix.closeDescriptor)
                throw error
            }
        }
        return (descriptors, boundPort)
    }

    private static func resolve(host: String, port: Int) throws(NetworkError) -> [Address] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = NetworkPosix.streamType
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let result = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
        guard result == 0, let list else {
            let reason = result == EAI_SYSTEM ? NetworkPosix.errorText() : String(cString: gai_strerror(result))
            throw NetworkError(operation: "cannot resolve listen address \(host)", reason: reason)
        }
        defer { freeaddrinfo(list) }
        var addresses: [Address] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            defer { entry = current.pointee.ai_next }
            let info = current.pointee
            guard let socketAddress = info.ai_addr, info.ai_family == AF_INET || info.ai_family == AF_INET6 else { continue }
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { bytes in
                bytes.copyMemory(from: UnsafeRawBufferPointer(start: socketAddress, count: Int(info.ai_addrlen)))
            }
            let numericHost = numericHostText(storage, length: info.ai_addrlen)
            guard !addresses.contains(where: { $0.numericHost == numericHost }) else { continue }
            addresses.append(Address(storage: storage, length: info.ai_addrlen, family: info.ai_family, numericHost: numericHost))
        }
        guard !addresses.isEmpty else {
            throw NetworkError(operation: "cannot resolve listen address \(host)", reason: "no IPv4 or IPv6 address")
        }
        return addresses
    }

    private static func bindAndListen(_ address: Address, port: Int, ipv6Only: Bool) throws(NetworkError) -> Int32 {
        let display = address.family == AF_INET6 ? "[\(address.numericHost)]:\(port)" : "\(address.numericHost):\(port)"
        let descriptor = SocketSupport.makeStreamSocket(family: address.family)
        guard descriptor >= 0 else {
            throw NetworkError(operation: "cannot create a socket for \(display)", reason: NetworkPosix.errorText())
        }
        var enable: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &enable, socklen_t(MemoryLayout<Int32>.size))
        if address.family == AF_INET6 && ipv6Only {
            // The IPv4 addresses get their own sockets; a dual-stack socket would collide with them.
            _ = setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &enable, socklen_t(MemoryLayout<Int32>.size))
        }
        var storage = address.storage
        let bound = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, address.length) }
        }
        guard bound == 0 else {
            let reason = NetworkPosix.errorText()
            NetworkPosix.closeDescriptor(descriptor)
            throw NetworkError(operation: "cannot bind \(display)", reason: reason)
        }
        guard listen(descriptor, backlog) == 0, SocketSupport.setNonBlocking(descriptor) else {
            let reason = NetworkPosix.errorText()
            NetworkPosix.closeDescriptor(descriptor)
            throw NetworkError(operation: "cannot listen on \(display)", reason: reason)
        }
        return descriptor
    }

    private static func numericHostText(_ storage: sockaddr_storage, length: socklen_t) -> String {
        var storage = storage
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let result = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST)
            }
        }
        return result == 0 ? NetworkPosix.string(fromCString: host) : "?"
    }

    private static func setPort(_ port: Int, in address: inout Address) {
        let networkPort = in_port_t(port).bigEndian
        let family = address.family
        withUnsafeMutablePointer(to: &address.storage) { pointer in
            if family == AF_INET6 {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port = networkPort }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port = networkPort }
            }
        }
    }

    private static func localPort(of descriptor: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { return 0 }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(in_port_t(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(in_port_t(bigEndian: $0.pointee.sin_port)) }
        }
    }
}
