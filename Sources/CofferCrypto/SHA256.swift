import COpenSSL

/// SHA-256 (FIPS 180-4) of a message held in memory.
public enum SHA256 {
    public static let byteCount = 32

    /// The digest of `message`.
    public static func digest(_ message: some ContiguousByteSource) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        if let failure = out.withUnsafeMutableBytes({ digest(message, into: $0) }) { throw failure }
        return out
    }

    /// The digest of `message` in zeroizing storage, for digests that are secrets themselves
    /// (SCRAM's `StoredKey` authenticates whoever knows it to a server that keeps it).
    public static func secureDigest(_ message: some ContiguousByteSource) throws(CryptoError) -> SecureBytes {
        try SecureBytes(count: byteCount) { (buffer) throws(CryptoError) in
            if let failure = digest(message, into: buffer) { throw failure }
        }
    }

    /// Writes the digest into `output` (exactly `byteCount` bytes); the error, if any.
    private static func digest(_ message: some ContiguousByteSource, into output: UnsafeMutableRawBufferPointer) -> CryptoError? {
        OpenSSLRuntime.disableCleanupAtExit()
        var written: UInt32 = 0
        let ok = message.withByteBuffer { input in
            EVP_Digest(input.baseAddress, input.count, output.baseAddress!.assumingMemoryBound(to: UInt8.self), &written, EVP_sha256(), nil)
        }
        guard ok == 1, written == UInt32(byteCount) else { return CryptoError.drainingQueue(operation: "EVP_Digest(SHA256)") }
        return nil
    }
}
