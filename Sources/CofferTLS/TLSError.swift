import CofferCrypto

/// A TLS or socket failure, carrying OpenSSL's drained error queue and/or the system's reason
/// as readable text (in the manner of swift-nio-ssl's `BoringSSLError`).
///
/// The text names the operation, file paths and OpenSSL's reason strings; it never
/// contains key material, plaintext or anything the peer sent.
public struct TLSError: Error, Sendable, CustomStringConvertible {
    /// The broad class of failure, for callers that react differently to each.
    public enum Kind: String, Sendable {
        /// The certificate, key or protocol settings could not be loaded or applied.
        case configuration
        /// A self-signed certificate could not be generated or written.
        case certificateGeneration
        /// No TCP connection could be made (name resolution, refusal, unreachable, timeout).
        case connect
        /// The TLS handshake failed (wrong protocol, plaintext client, version mismatch, reset).
        case handshake
        /// The peer's certificate is untrusted, expired, or not for the expected name or address.
        case certificateVerification
        /// A deadline passed while waiting for the peer.
        case timeout
        /// The connection is already closed, failed earlier, or the peer went away.
        case closed
        /// Reading or writing application data failed.
        case io
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The operation that failed, e.g. "load private key /etc/coffer/server.key".
    public let operation: String
    /// OpenSSL's error queue entries and/or the system error text, oldest first.
    public let details: [String]

    /// Creates an error from its parts.
    public init(kind: Kind, operation: String, details: [String] = []) {
        self.kind = kind
        self.operation = operation
        self.details = details
    }

    public var description: String {
        let base = "TLS \(operation) failed (\(kind.rawValue))"
        return details.isEmpty ? base : base + ": " + details.joined(separator: "; ")
    }

    /// Builds an error from the thread's OpenSSL error queue and empties the queue: the queue
    /// is per thread, and a stale entry would be misattributed to the next, unrelated call.
    static func drainingQueue(_ kind: Kind, _ operation: String, extra: String? = nil) -> TLSError {
        var details = OpenSSLErrorQueue.drain()
        if let extra { details.append(extra) }
        return TLSError(kind: kind, operation: operation, details: details)
    }
}
