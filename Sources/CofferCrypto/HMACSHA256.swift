import COpenSSL

/// HMAC-SHA256 under one key, keyed once and duplicated per message.
///
/// Used for keyed lookups (subject identifiers, the blind index) and token digests, so it
/// sits on the hot path: the `EVP_MAC` fetch and the key setup happen once, in `init`.
public final class HMACSHA256: Sendable {
    public static let byteCount = 32

    /// A keyed `EVP_MAC_CTX` used only as a template for `EVP_MAC_CTX_dup`, under `lock`.
    private let template: Template
    private let lock = PlainLock()

    public convenience init(key: SymmetricKey) throws(CryptoError) {
        try self.init(keyBytes: key.bytes)
    }

    /// Keys with arbitrary-length key bytes (RFC 2104 allows any length; Coffer's own keys are 32 bytes).
    public init(keyBytes key: SecureBytes) throws(CryptoError) {
        guard key.count > 0 else { throw .invalidKeySize(expected: SymmetricKey.byteCount, actual: 0) }
        guard let mac = FetchedHMAC.handle.pointer else { throw CryptoError.drainingQueue(operation: "EVP_MAC_fetch(HMAC)") }
        guard let context = EVP_MAC_CTX_new(mac) else { throw CryptoError.drainingQueue(operation: "EVP_MAC_CTX_new") }
        // OSSL_PARAM keeps a raw pointer to the digest name: keep the string alive for the call.
        let ok: Int32 = "SHA256".withCString { digest in
            var params = [
                OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, UnsafeMutablePointer(mutating: digest), 0),
                OSSL_PARAM_construct_end(),
            ]
            return key.withUnsafeBytes { keyBytes in
                EVP_MAC_init(context, keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), keyBytes.count, &params)
            }
        }
        guard ok == 1 else {
            EVP_MAC_CTX_free(context)
            throw CryptoError.drainingQueue(operation: "EVP_MAC_init")
        }
        template = Template(context: context)
    }

    /// The 32-byte MAC of `message`.
    public func authenticate(_ message: some ContiguousByteSource) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.byteCount)
        if let failure = out.withUnsafeMutableBytes({ authenticate(message, into: $0) }) { throw failure }
        return out
    }

    /// The MAC of `message` in zeroizing storage, for MACs that are keys themselves (SCRAM's
    /// `ClientKey` and `ServerKey`, RFC 5802 section 3).
    public func secureAuthenticate(_ message: some ContiguousByteSource) throws(CryptoError) -> SecureBytes {
        try SecureBytes(count: Self.byteCount) { (buffer) throws(CryptoError) in
            if let failure = authenticate(message, into: buffer) { throw failure }
        }
    }

    /// Writes the MAC of `message` into `output`, which holds exactly `byteCount` bytes; the
    /// error, if any.
    private func authenticate(_ message: some ContiguousByteSource, into output: UnsafeMutableRawBufferPointer) -> CryptoError? {
        message.withByteBuffer { input in
            guard let context = lock.withLock({ EVP_MAC_CTX_dup(template.context) }) else {
                return CryptoError.drainingQueue(operation: "EVP_MAC_CTX_dup")
            }
            defer { EVP_MAC_CTX_free(context) }
            var written = 0
            let ok = (input.count == 0 || EVP_MAC_update(context, input.baseAddress!.assumingMemoryBound(to: UInt8.self), input.count) == 1)
                && EVP_MAC_final(context, output.baseAddress!.assumingMemoryBound(to: UInt8.self), &written, Self.byteCount) == 1
            guard ok, written == Self.byteCount else { return CryptoError.drainingQueue(operation: "HMAC-SHA256") }
            return nil
        }
    }

    /// True when `mac` is the MAC of `message`; the comparison is constant-time.
    public func verify(_ mac: [UInt8], for message: some ContiguousByteSource) throws(CryptoError) -> Bool {
        ConstantTime.equals(try authenticate(message), mac)
    }
}

extension HMACSHA256 {
    /// Owns the keyed template context and frees (and so wipes) it.
    ///
    /// `@unchecked Sendable`: only touched inside `HMACSHA256.lock.withLock`.
    final class Template: @unchecked Sendable {
        let context: OpaquePointer
        init(context: OpaquePointer) { self.context = context }
        deinit { EVP_MAC_CTX_free(context) }
    }
}

/// The HMAC implementation, fetched once per process.
enum FetchedHMAC {
    /// `@unchecked Sendable`: a fetched `EVP_MAC` is immutable and shareable between threads.
    struct Handle: @unchecked Sendable { let pointer: OpaquePointer? }
    static let handle: Handle = {
        OpenSSLRuntime.disableCleanupAtExit()
        return Handle(pointer: EVP_MAC_fetch(nil, "HMAC", nil))
    }()
}
