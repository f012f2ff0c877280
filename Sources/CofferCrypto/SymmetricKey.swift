/// A 256-bit secret key in zeroizing storage.
///
/// It cannot be printed, dumped or compared in variable time; its bytes are reachable
/// only through `withUnsafeBytes`, for the crypto primitives of this module.
public struct SymmetricKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Key size in bytes (AES-256, HMAC-SHA256 keys).
    public static let byteCount = 32

    let bytes: SecureBytes

    /// A fresh random key.
    public static func random() throws(CryptoError) -> SymmetricKey {
        SymmetricKey(unchecked: try SecureRandom.secureBytes(byteCount))
    }

    /// Wraps existing key bytes; they must be exactly 32 bytes.
    public init(bytes: SecureBytes) throws(CryptoError) {
        guard bytes.count == Self.byteCount else {
            throw .invalidKeySize(expected: Self.byteCount, actual: bytes.count)
        }
        self.bytes = bytes
    }

    private init(unchecked bytes: SecureBytes) { self.bytes = bytes }

    /// Read access to the key bytes; do not copy them out of the closure.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try bytes.withUnsafeBytes(body)
    }

    /// Constant-time equality.
    public static func == (lhs: SymmetricKey, rhs: SymmetricKey) -> Bool {
        lhs.bytes.constantTimeEquals(rhs.bytes)
    }

    public var description: String { "SymmetricKey(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
