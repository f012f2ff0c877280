import CofferServer
import Foundation

/// Fuzzes the config loader with arbitrary file contents.
///
/// The loader must either refuse the text with a `ConfigurationError` that has a message, or
/// return settings inside the ranges it promises; it must never crash or hang.
enum ConfigurationFuzzing {
    /// Paths in the input are resolved against this directory; nothing is read from it.
    static let baseDirectory = "/coffer-fuzz/config"

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        let data = Data(buffer: bytes)
        let configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.parse(data, baseDirectory: baseDirectory)
        } catch {
            FuzzInvariant.require(!error.description.isEmpty, "a refusal explains itself")
            return
        }
        FuzzInvariant.require((0...65535).contains(configuration.port), "the port is in range")
        FuzzInvariant.require(configuration.maxConnections >= 1, "at least one connection is allowed")
        FuzzInvariant.require(configuration.maxLineBytes >= 64, "the line limit is usable")
        FuzzInvariant.require(configuration.maxValueBytes >= 0, "the value limit is not negative")
        FuzzInvariant.require(configuration.idleTimeoutSeconds > 0 && configuration.idleTimeoutSeconds.isFinite,
                              "the idle timeout is a positive number")
        FuzzInvariant.require(configuration.handshakeTimeoutSeconds > 0 && configuration.handshakeTimeoutSeconds.isFinite,
                              "the handshake deadline is a positive number")
        FuzzInvariant.require(configuration.maxConnectionsPerAddress >= 0 && configuration.maxFailedAuthPerAddressPerMinute >= 0,
                              "the per-address limits are not negative")
        FuzzInvariant.require(!configuration.host.isEmpty, "the host is not empty")
        for path in [configuration.dataDirectory, configuration.keysDirectory,
                     configuration.certificatePath, configuration.privateKeyPath] {
            FuzzInvariant.require(path.hasPrefix("/"), "every path is resolved to an absolute one")
            FuzzInvariant.require(!path.split(separator: "/").contains(".."), "no path keeps a `..`")
        }
    }
}
