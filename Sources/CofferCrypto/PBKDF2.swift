import COpenSSL

/// PBKDF2 (RFC 8018) with HMAC-SHA-256, through OpenSSL's `PKCS5_PBKDF2_HMAC`.
///
/// Used where a protocol prescribes it (SCRAM-SHA-256's `Hi()`, RFC 5802 section 2.2); the
/// derived key goes straight into zeroizing storage.
public enum PBKDF2 {
    /// The `byteCount`-byte key derived from `password` and `salt` with `iterations` rounds.
    public static func sha256(password: SecureBytes, salt: [UInt8], iterations: Int, byteCount: Int) throws(CryptoError) -> SecureBytes {
        OpenSSLRuntime.disableCleanupAtExit()
        guard iterations >= 1, iterations <= Int(Int32.max) else {
            throw .openSSL(operation: "PKCS5_PBKDF2_HMAC", details: "the iteration count \(iterations) is out of range")
        }
        guard byteCount >= 1, byteCount <= Int(Int32.max), password.count <= Int(Int32.max), salt.count <= Int(Int32.max) else {
            throw .openSSL(operation: "PKCS5_PBKDF2_HMAC", details: "a length is out of range")
        }
        return try SecureBytes(count: byteCount) { (output) throws(CryptoError) in
            let ok = password.withUnsafeBytes { secret in
                salt.withUnsafeBufferPointer { saltBytes in
                    PKCS5_PBKDF2_HMAC(
                        secret.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(secret.count),
                        saltBytes.baseAddress, Int32(saltBytes.count), Int32(iterations), EVP_sha256(),
                        Int32(output.count), output.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            guard ok == 1 else { throw CryptoError.drainingQueue(operation: "PKCS5_PBKDF2_HMAC") }
        }
    }
}
