import COpenSSL

/// The AES-256-GCM implementation, fetched from OpenSSL's default provider once per process.
///
/// Fetching is the expensive part of OpenSSL 3's EVP API; `EVP_aes_256_gcm()` would do an
/// implicit fetch on every initialisation.
enum FetchedAES256GCM {
    /// `@unchecked Sendable`: an `EVP_CIPHER` is immutable after fetch and OpenSSL documents
    /// fetched algorithm objects as safe to share between threads.
    struct Handle: @unchecked Sendable { let pointer: OpaquePointer? }

    static let handle: Handle = {
        OpenSSLRuntime.disableCleanupAtExit()
        return Handle(pointer: EVP_CIPHER_fetch(nil, "AES-256-GCM", nil))
    }()

    static func cipher() throws(CryptoError) -> OpaquePointer {
        guard let pointer = handle.pointer else { throw CryptoError.drainingQueue(operation: "EVP_CIPHER_fetch(AES-256-GCM)") }
        return pointer
    }
}
