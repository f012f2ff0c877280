/// Wrapping of one key under another: an `Envelope` whose plaintext is the key bytes.
///
/// AES-GCM with associated data rather than RFC 3394 key wrap, because the associated data
/// binds a wrapped key to its owner and purpose (a tenant's key cannot be unwrapped as another
/// tenant's), and the envelope header names the wrapping key's version for rotation.
public enum KeyWrap {
    /// Size of a wrapped 256-bit key.
    public static let wrappedByteCount = SymmetricKey.byteCount + Envelope.overhead

    /// Wraps `key` under `kek` (version `kekVersion`), bound to `context`.
    public static func wrap(_ key: SymmetricKey, under kek: AESGCM, kekVersion: UInt32, context: [UInt8]) throws(CryptoError) -> [UInt8] {
        try Envelope.seal(key.bytes, using: kek, keyVersion: kekVersion, context: context)
    }

    /// Unwraps a key; fails if the wrapped bytes, the wrapping key or the context differ.
    public static func unwrap(_ wrapped: [UInt8], context: [UInt8],
                              kek: (UInt32) throws(CryptoError) -> AESGCM) throws(CryptoError) -> SymmetricKey {
        try SymmetricKey(bytes: try Envelope.open(wrapped, context: context, cipher: kek))
    }
}
