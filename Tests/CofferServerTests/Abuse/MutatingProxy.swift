import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP proxy that corrupts the bytes a client sends to the server: bit flips, random
/// bytes, dropped, duplicated and inserted runs — the TLS records themselves, as `zzuf` over a
/// `socat` client would, without either tool. The server's replies pass unchanged.
///
/// Each accepted connection is relayed on its own thread with a generator seeded from the
/// proxy's seed and the connection's number, so a run is repeatable. `stop()` ends it.
// @unchecked Sendable: `listener` and `seed` are immutable; `nextConnection` and `stopped` are
// guarded by `lock`; each relay thread owns its two descriptors alone.
final class MutatingProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let seed: UInt64
    private let lock = NSLock()
    private var nextConnection: UInt64 = 0
    private var stopped = false

    /// Listens on 127.0.0.1 (a free port) and relays to `upstreamPort` on 127.0.0.1.
    init(upstreamPort: Int, seed: UInt64) throws {
        self.upstreamPort = upstreamPort
        self.seed = seed
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && listen(descriptor, 128) == 0
                    && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard descriptor >= 0, bound else {
            close(descriptor)
            throw E2EFailure("the mutating proxy could not listen")
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Stops accepting; relays in progress end when either side closes.
    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            lock.lock()
            let done = stopped
            nextConnection += 1
            let number = nextConnection
            lock.unlock()
            if done || client < 0 {
                if client >= 0 { close(client) }
                if done { return }
                continue
            }
            let generator = SeededGenerator(seed: seed &+ number &* 0x9E37_79B9)
            let thread = Thread { [self] in relay(client: client, generator: generator) }
            thread.start()
        }
    }

    private func relay(client: Int32, generator: SeededGenerator) {
        var random = generator
        defer { close(client) }
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(server) }
        var address = Self.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return }
        // Some sessions are corrupted from the first byte (the ClientHello), others only later
        // (the handshake's end or the encrypted requests).
        var cleanBytesLeft = random.below(3) == 0 ? 0 : random.below(2048)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var descriptors = [pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: server, events: Int16(POLLIN), revents: 0)]
        while true {
            // No session of the tests lasts this long; a stuck one is simply dropped.
            guard poll(&descriptors, 2, 10_000) > 0 else { return }
            for index in 0..<2 where descriptors[index].revents != 0 {
                let source = descriptors[index].fd
                let count = recv(source, &buffer, buffer.count, 0)
                guard count > 0 else { return }
                var chunk = Array(buffer[0..<count])
                if source == client {
                    let clean = min(cleanBytesLeft, chunk.count)
                    cleanBytesLeft -= clean
                    if clean < chunk.count {
                        chunk = Array(chunk[0..<clean]) + Self.mutate(Array(chunk[clean...]), using: &random)
                    }
                }
                let target = source == client ? server : client
                guard Self.sendAll(chunk, to: target) else { return }
            }
        }
    }

    /// One to four random edits of `bytes`.
    static func mutate(_ bytes: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var output = bytes
        for _ in 0...random.below(4) {
            guard !output.isEmpty else { break }
            let index = random.below(output.count)
            switch random.below(6) {
            case 0: output[index] ^= UInt8(1) << UInt8(random.below(8))
            case 1: output[index] = UInt8(truncatingIfNeeded: random.next())
            case 2: output.removeSubrange(index..<min(output.count, index + 1 + random.below(16)))
            case 3: output.insert(contentsOf: output[index..<min(output.count, index + 1 + random.below(32))], at: index)
            case 4: output.insert(contentsOf: (0..<1 + random.below(8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: index)
            default: output[index] = [0x00, 0xFF, 0x7F, 0x80][random.below(4)]
            }
        }
        return output
    }

    private static func sendAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}
