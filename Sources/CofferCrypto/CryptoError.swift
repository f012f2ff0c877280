/// A failure in the crypto layer. Messages name the operation, never key or plaintext bytes.
public enum CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Authentication failed: wrong key, wrong associated data, or tampered bytes.
    case authenticationFailed
    /// The input is too short or its header is not one this version understands.
    case malformedCiphertext(String)
    /// A key had the wrong length.
    case invalidKeySize(expected: Int, actual: Int)
    /// The random generator failed; nothing may be encrypted with a bad nonce or key.
    case randomFailure
    /// OpenSSL reported an internal failure in `operation`; `details` is its drained error queue.
    case openSSL(operation: String, details: String)

    public var description: String {
        switch self {
        case .authenticationFailed: return "authentication failed (wrong key, wrong context, or tampered data)"
        case .malformedCiphertext(let why): return "malformed ciphertext: \(why)"
        case .invalidKeySize(let expected, let actual): return "invalid key size: expected \(expected) bytes, got \(actual)"
        case .randomFailure: return "the random generator failed"
        case .openSSL(let operation, let details): return "OpenSSL \(operation) failed: \(details)"
        }
    }

    /// Builds an `.openSSL` error from the thread's error queue and clears the queue,
    /// which is per thread and would otherwise leak into the next, unrelated call.
    static func drainingQueue(operation: String) -> CryptoError {
        let lines = OpenSSLErrorQueue.drain()
        return .openSSL(operation: operation, details: lines.isEmpty ? "no details" : lines.joined(separator: "; "))
    }
}
