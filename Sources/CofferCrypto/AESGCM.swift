import COpenSSL
import Synchronization

/// AES-256-GCM bound to one key, reusing keyed OpenSSL contexts across operations.
///
/// The key schedule is computed once in `init`; each `seal` or `open` sets only a nonce.
/// Nonces are 96 random bits, fresh for every seal. Every seal is counted, so callers
/// can rotate a key well before the random-nonce limit of 2^32 encryptions.
public final class AESGCM: Sendable {
    public static let nonceByteCount = 12
    public static let tagByteCount = 16
    /// Bytes a sealed box adds to its plaintext: nonce and tag.
    public static let overhead = nonceByteCount + tagByteCount

    /// Encrypt and decrypt contexts, guarded together by `lock`: an `EVP_CIPHER_CTX` is not
    /// thread-safe.
    private let contexts: Contexts
    private let lock = PlainLock()
    private let sealCount = Atomic<UInt64>(0)

    /// Builds keyed contexts for `key`. The key bytes are copied into OpenSSL's own key schedule,
    /// which `EVP_CIPHER_CTX_free` wipes.
    public init(key: SymmetricKey) throws(CryptoError) {
        let cipher = try FetchedAES256GCM.cipher()
        let encrypt = try Contexts.make(cipher: cipher, key: key, encrypting: true)
        let decrypt: OpaquePointer
        do { decrypt = try Contexts.make(cipher: cipher, key: key, encrypting: false) } catch {
            EVP_CIPHER_CTX_free(encrypt)
            throw error
        }
        contexts = Contexts(encrypt: encrypt, decrypt: decrypt)
    }

    /// How many seals this key has performed since it was loaded.
    public var sealsPerformed: UInt64 { sealCount.load(ordering: .relaxed) }

    /// Encrypts `plaintext`, authenticating `associatedData` too. Returns nonce ‖ ciphertext ‖ tag.
    public func seal(_ plaintext: some ContiguousByteSource, authenticating associatedData: some ContiguousByteSource) throws(CryptoError) -> [UInt8] {
        let nonce = try SecureRandom.bytes(Self.nonceByteCount)
        return try seal(plaintext, nonce: nonce, authenticating: associatedData)
    }

    /// Encrypts with a caller-chosen nonce. Only for known-answer tests (reached through
    /// `@testable import`): reusing a nonce under one key destroys GCM's security, which is why
    /// the public `seal(_:authenticating:)` picks it itself and this one is not public.
    func seal(_ plaintext: some ContiguousByteSource, nonce: [UInt8], authenticating associatedData: some ContiguousByteSource) throws(CryptoError) -> [UInt8] {
        guard nonce.count == Self.nonceByteCount else { throw .malformedCiphertext("nonce must be 12 bytes") }
        sealCount.add(1, ordering: .relaxed)
        let result: Result<[UInt8], CryptoError> = plaintext.withByteBuffer { input in
            associatedData.withByteBuffer { aad in
                lock.withLock {
                    Result { () throws(CryptoError) in try contexts.seal(input, nonce: nonce, aad: aad) }
                }
            }
        }
        return try result.get()
    }

    /// Decrypts nonce ‖ ciphertext ‖ tag, checking the tag over ciphertext and `associatedData`.
    /// The plaintext is returned in zeroizing storage.
    public func open(_ sealed: some ContiguousByteSource, authenticating associatedData: some ContiguousByteSource) throws(CryptoError) -> SecureBytes {
        let result: Result<SecureBytes, CryptoError> = sealed.withByteBuffer { box in
            associatedData.withByteBuffer { aad in
                lock.withLock {
                    Result { () throws(CryptoError) in try contexts.open(box, aad: aad) }
                }
            }
        }
        return try result.get()
    }
}

extension AESGCM {
    /// The two keyed contexts, freed in `deinit`.
    ///
    /// `@unchecked Sendable`: the contexts are only ever touched inside `AESGCM.lock.withLock`,
    /// so no two threads use them at once.
    final class Contexts: @unchecked Sendable {
        let encrypt: OpaquePointer
        let decrypt: OpaquePointer

        init(encrypt: OpaquePointer, decrypt: OpaquePointer) {
            self.encrypt = encrypt
            self.decrypt = decrypt
        }

        deinit {
            EVP_CIPHER_CTX_free(encrypt)
            EVP_CIPHER_CTX_free(decrypt)
        }

        static func make(cipher: OpaquePointer, key: SymmetricKey, encrypting: Bool) throws(CryptoError) -> OpaquePointer {
            guard let context = EVP_CIPHER_CTX_new() else { throw CryptoError.drainingQueue(operation: "EVP_CIPHER_CTX_new") }
            let ok = key.withUnsafeBytes { keyBytes in
                EVP_CipherInit_ex2(context, cipher, keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), nil, encrypting ? 1 : 0, nil)
            }
            guard ok == 1 else {
                EVP_CIPHER_CTX_free(context)
                throw CryptoError.drainingQueue(operation: "EVP_CipherInit_ex2")
            }
            return context
        }

        func seal(_ plaintext: UnsafeRawBufferPointer, nonce: [UInt8], aad: UnsafeRawBufferPointer) throws(CryptoError) -> [UInt8] {
            let outputCount = AESGCM.nonceByteCount + plaintext.count + AESGCM.tagByteCount
            var output = [UInt8](repeating: 0, count: outputCount)
            let ok: Bool = output.withUnsafeMutableBufferPointer { out in
                let base = out.baseAddress!
                for i in 0..<AESGCM.nonceByteCount { base[i] = nonce[i] }
                guard EVP_EncryptInit_ex2(encrypt, nil, nil, base, nil) == 1 else { return false }
                var written: Int32 = 0
                if aad.count > 0 {
                    guard EVP_EncryptUpdate(encrypt, nil, &written, aad.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(aad.count)) == 1 else { return false }
                }
                var total = 0
                if plaintext.count > 0 {
                    guard EVP_EncryptUpdate(encrypt, base + AESGCM.nonceByteCount, &written,
                                            plaintext.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(plaintext.count)) == 1 else { return false }
                    total = Int(written)
                }
                guard EVP_EncryptFinal_ex(encrypt, base + AESGCM.nonceByteCount + total, &written) == 1 else { return false }
                let tag = base + AESGCM.nonceByteCount + plaintext.count
                return EVP_CIPHER_CTX_ctrl(encrypt, EVP_CTRL_GCM_GET_TAG, Int32(AESGCM.tagByteCount), tag) == 1
            }
            guard ok else { throw CryptoError.drainingQueue(operation: "AES-GCM seal") }
            return output
        }

        func open(_ box: UnsafeRawBufferPointer, aad: UnsafeRawBufferPointer) throws(CryptoError) -> SecureBytes {
            guard box.count >= AESGCM.overhead else { throw .malformedCiphertext("too short") }
            let bytes = box.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let ciphertextCount = box.count - AESGCM.overhead
            let status: OpenStatus
            var plaintext: SecureBytes
            do {
                var result = OpenStatus.ok
                plaintext = SecureBytes(count: ciphertextCount) { out in
                    result = decrypt(bytes: bytes, ciphertextCount: ciphertextCount, aad: aad, into: out)
                }
                status = result
            }
            switch status {
            case .ok: return plaintext
            case .authenticationFailed:
                plaintext = SecureBytes(copying: UnsafeRawBufferPointer(start: nil, count: 0))
                ERR_clear_error()
                throw .authenticationFailed
            case .failed:
                throw CryptoError.drainingQueue(operation: "AES-GCM open")
            }
        }

        private enum OpenStatus { case ok, authenticationFailed, failed }

        private func decrypt(bytes: UnsafePointer<UInt8>, ciphertextCount: Int, aad: UnsafeRawBufferPointer,
                             into out: UnsafeMutableRawBufferPointer) -> OpenStatus {
            guard EVP_DecryptInit_ex2(decrypt, nil, nil, bytes, nil) == 1 else { return .failed }
            var written: Int32 = 0
            if aad.count > 0 {
                guard EVP_DecryptUpdate(decrypt, nil, &written, aad.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(aad.count)) == 1 else { return .failed }
            }
            let outBase = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
            var total = 0
            if ciphertextCount > 0 {
                guard EVP_DecryptUpdate(decrypt, outBase, &written, bytes + AESGCM.nonceByteCount, Int32(ciphertextCount)) == 1 else { return .failed }
                total = Int(written)
            }
            let tag = UnsafeMutableRawPointer(mutating: bytes + AESGCM.nonceByteCount + ciphertextCount)
            guard EVP_CIPHER_CTX_ctrl(decrypt, EVP_CTRL_GCM_SET_TAG, Int32(AESGCM.tagByteCount), tag) == 1 else { return .failed }
            var scratch = [UInt8](repeating: 0, count: 16)
            let finalOK = scratch.withUnsafeMutableBufferPointer { s in
                EVP_DecryptFinal_ex(decrypt, outBase.map { $0 + total } ?? s.baseAddress!, &written)
            }
            return finalOK > 0 ? .ok : .authenticationFailed
        }
    }
}
