import CofferCrypto

/// A client failure. The text names the operation and OpenSSL's or the system's reason;
/// it never contains request or reply contents.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// The broad class of failure.
    public enum Kind: String, Sendable {
        /// The configuration cannot work (bad port, unreadable trust file, ...).
        case invalidConfiguration
        /// No TCP connection could be made.
        case connect
        /// The TLS handshake failed for a reason other than certificate verification.
        case handshake
        /// The server's certificate is untrusted, expired, or not for the expected name.
        case certificateVerification
        /// The server did not answer within the timeout.
        case timeout
        /// The connection is closed, was reset, or failed earlier.
        case closed
        /// Reading or writing failed.
        case io
        /// A request line contained a line feed (it would be two requests).
        case invalidRequest
        /// A reply line was longer than `maxReplyBytes` or not valid UTF-8.
        case invalidReply
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// What failed, in words.
    public let message: String
    /// OpenSSL's drained error queue and/or the system error text.
    public let details: [String]

    /// Creates an error from its parts.
    public init(kind: Kind, message: String, details: [String] = []) {
        self.kind = kind
        self.message = message
        self.details = details
    }

    public var description: String {
        details.isEmpty ? message : message + ": " + details.joined(separator: "; ")
    }

    /// Builds an error from the thread's OpenSSL error queue and empties it (the queue is per
    /// thread and a stale entry would be blamed on the next call).
    static func drainingQueue(_ kind: Kind, _ message: String, extra: String? = nil) -> ClientError {
        var details = OpenSSLErrorQueue.drain()
        if let extra { details.append(extra) }
        return ClientError(kind: kind, message: message, details: details)
    }
}
