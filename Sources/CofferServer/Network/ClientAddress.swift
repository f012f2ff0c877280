import Foundation
import CofferTLS

/// The client address that the per-address limits count: an IPv4 address, or the /64 prefix of
/// an IPv6 address (one subscriber usually holds a whole /64, so counting single IPv6 addresses
/// would let one client appear as 2^64 clients). An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`,
/// what a dual-stack socket reports for an IPv4 client) counts as that IPv4 address.
///
/// The address is personal data: it is kept in memory only while a limit needs it, and recorded
/// only in the service's audit trail, sealed under a key that expires (docs/SECURITY.md).
enum ClientAddress: Hashable, Sendable, CustomStringConvertible {
    case ipv4(UInt32)
    /// The first 64 bits of the address.
    case ipv6Prefix(UInt64)

    /// The accounting key of a peer address; nil for a family other than IPv4 and IPv6.
    init?(_ storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let address = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            }
            self = .ipv4(UInt32(bigEndian: address))
        case AF_INET6:
            let bytes = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
            }
            self.init(ipv6: bytes)
        default:
            return nil
        }
    }

    /// The accounting key of a 16-byte IPv6 address.
    init(ipv6 bytes: [UInt8]) {
        precondition(bytes.count == 16, "an IPv6 address has 16 bytes")
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            self = .ipv4(bytes[12..<16].reduce(0) { $0 << 8 | UInt32($1) })
        } else {
            self = .ipv6Prefix(bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) })
        }
    }

    /// `192.0.2.7`, or `2001:db8:1:2::/64` for an IPv6 prefix.
    var description: String {
        switch self {
        case .ipv4(let address):
            return (0..<4).map { String(address >> (24 - 8 * UInt32($0)) & 0xff) }.joined(separator: ".")
        case .ipv6Prefix(let prefix):
            var bytes = (0..<8).map { UInt8(truncatingIfNeeded: prefix >> (56 - 8 * UInt64($0))) } + [UInt8](repeating: 0, count: 8)
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &bytes, &text, socklen_t(text.count)) != nil else { return "unknown/64" }
            return NetworkPosix.string(fromCString: text) + "/64"
        }
    }
}
