import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG.
public enum SecureRandom {
    /// Fills `buffer` with random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(CryptoError) {
        OpenSSLRuntime.disableCleanupAtExit()
        guard buffer.count > 0 else { return }
        guard RAND_bytes(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1 else {
            ERR_clear_error()
            throw .randomFailure
        }
    }

    /// Random bytes for non-secret uses (nonces, identifiers).
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        OpenSSLRuntime.disableCleanupAtExit()
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBytes { buffer in
            buffer.count == 0 || RAND_bytes(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1
        }
        guard ok else {
            ERR_clear_error()
            throw .randomFailure
        }
        return out
    }

    /// Random bytes for secrets, straight into zeroizing storage.
    public static func secureBytes(_ count: Int) throws(CryptoError) -> SecureBytes {
        try SecureBytes(count: count) { (buffer) throws(CryptoError) in try fill(buffer) }
    }
}
