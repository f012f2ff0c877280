import CofferTLS

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

    /// A transport failure reported by CofferTLS, keeping its details (OpenSSL's drained error
    /// queue, the system's reason); `message` says what the client was doing, and `kind`, if
    /// given, replaces the kind derived from the failure.
    init(_ failure: TLSError, message: String, kind: Kind? = nil) {
        self.init(kind: kind ?? Self.kind(of: failure), message: message, details: failure.details)
    }

    private static func kind(of failure: TLSError) -> Kind {
        switch failure.kind {
        case .configuration, .certificateGeneration: return .invalidConfiguration
        case .connect: return .connect
        case .handshake: return .handshake
        case .certificateVerification: return .certificateVerification
        case .timeout: return .timeout
        case .closed: return .closed
        case .io: return .io
        }
    }
}
