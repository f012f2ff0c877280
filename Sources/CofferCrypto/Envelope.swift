/// The stored form of every Coffer ciphertext: a small header, then an AES-GCM sealed box.
///
/// ```
/// byte 0      format (1)
/// bytes 1-4   version of the key that sealed it, big-endian
/// bytes 5-    nonce (12) ‖ ciphertext ‖ tag (16)
/// ```
/// The header is authenticated together with the caller's context (which binds the ciphertext
/// to its tenant, subject, field and purpose), so decryption never guesses the key version and a
/// ciphertext moved to another place, or given another header, fails authentication.
public enum Envelope {
    public static let format: UInt8 = 1
    public static let headerByteCount = 5
    /// Bytes an envelope adds to its plaintext.
    public static let overhead = headerByteCount + AESGCM.overhead

    /// Seals `plaintext` under `cipher`, recording `keyVersion` in the header.
    public static func seal(_ plaintext: some ContiguousByteSource, using cipher: AESGCM, keyVersion: UInt32,
                            context: [UInt8]) throws(CryptoError) -> [UInt8] {
        let header = header(keyVersion: keyVersion)
        return header + (try cipher.seal(plaintext, authenticating: header + context))
    }

    /// The key version named in the header, without decrypting.
    public static func keyVersion(of envelope: some Collection<UInt8>) throws(CryptoError) -> UInt32 {
        guard envelope.count >= overhead else { throw .malformedCiphertext("too short") }
        var iterator = envelope.makeIterator()
        guard iterator.next() == format else { throw .malformedCiphertext("unknown format") }
        var version: UInt32 = 0
        for _ in 0..<4 { version = version << 8 | UInt32(iterator.next()!) }
        return version
    }

    /// Opens an envelope. `cipher` is asked for the key of the version in the header.
    public static func open(_ envelope: [UInt8], context: [UInt8],
                            cipher: (UInt32) throws(CryptoError) -> AESGCM) throws(CryptoError) -> SecureBytes {
        let version = try keyVersion(of: envelope)
        let header = Array(envelope[0..<headerByteCount])
        return try cipher(version).open(envelope[headerByteCount...], authenticating: header + context)
    }

    static func header(keyVersion: UInt32) -> [UInt8] {
        [format, UInt8(keyVersion >> 24), UInt8(keyVersion >> 16 & 0xFF), UInt8(keyVersion >> 8 & 0xFF), UInt8(keyVersion & 0xFF)]
    }
}
