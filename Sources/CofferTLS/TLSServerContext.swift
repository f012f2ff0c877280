import COpenSSL
import CCofferShims
import CofferCrypto

/// Owns a server `SSL_CTX` built from a `TLSServerConfiguration`; frees it in `deinit`.
///
/// Policy (`TLSPolicy`): TLS 1.3 minimum by default; with `.v1_2`, TLS 1.2 is allowed but only
/// with ECDHE key exchange and AEAD ciphers. Compression and renegotiation are off, and no session
/// tickets are issued (clients of a line protocol gain nothing from resumption).
/// The private key is checked against the certificate at load time.
// @unchecked Sendable: the SSL_CTX is fully configured in `init` and never mutated afterwards;
// OpenSSL documents creating SSL objects from one shared SSL_CTX on many threads as safe.
public final class TLSServerContext: @unchecked Sendable {
    /// The key-exchange groups offered, for TLS 1.3 and 1.2 alike: exactly Mozilla's "modern"
    /// and "intermediate" list. OpenSSL's default would add X448, P-521 and the FFDHE groups,
    /// which `sslyze --mozilla_config=modern` flags (issue 7; `Benchmarks/tls-scan.sh`).
    static let groupList = "X25519:P-256:P-384"

    /// The configuration this context was built from.
    public let configuration: TLSServerConfiguration
    /// The `SSL_CTX *`; valid for the life of this object.
    let handle: OpaquePointer

    /// Loads the certificate and key and applies the protocol policy.
    public init(configuration: TLSServerConfiguration) throws(TLSError) {
        self.handle = try TLSPolicy.makeContext(TLS_server_method(), side: "server") { (context) throws(TLSError) in
            try Self.configure(context, configuration)
        }
        self.configuration = configuration
    }

    deinit {
        SSL_CTX_free(handle)
    }

    private static func configure(_ context: OpaquePointer, _ configuration: TLSServerConfiguration) throws(TLSError) {
        try TLSPolicy.apply(to: context, minimum: configuration.minimumVersion)
        let groupsSet = groupList.withCString {
            SSL_CTX_ctrl(context, SSL_CTRL_SET_GROUPS_LIST, 0, UnsafeMutableRawPointer(mutating: $0))
        }
        guard groupsSet == 1 else {
            throw TLSError.drainingQueue(.configuration, "set key-exchange groups")
        }
        // No TLS 1.3 tickets and no server-side session cache: nothing to resume, nothing to keep.
        _ = SSL_CTX_set_num_tickets(context, 0)
        _ = SSL_CTX_ctrl(context, SSL_CTRL_SET_SESS_CACHE_MODE, Int(SSL_SESS_CACHE_OFF), nil)
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)

        let certificatePath = configuration.certificatePath
        guard SSL_CTX_use_certificate_chain_file(context, certificatePath) == 1 else {
            throw TLSError.drainingQueue(.configuration, "load certificate \(certificatePath)")
        }
        let keyPath = configuration.privateKeyPath
        try usePrivateKey(context, path: keyPath)
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TLSError.drainingQueue(.configuration, "match private key \(keyPath) to certificate \(certificatePath)")
        }
    }

    /// Reads the private key as a secret file (checked on its open descriptor, read into
    /// zeroizing storage) and parses it from memory: OpenSSL never opens the path itself, so
    /// the file that was checked is the one used.
    private static func usePrivateKey(_ context: OpaquePointer, path: String) throws(TLSError) {
        let pem: SecureBytes
        do { pem = try SecretFile.read(path, maximumBytes: 64 * 1024) } catch {
            throw TLSError(kind: .configuration, operation: "load private key \(path)", details: [error.description])
        }
        let loaded = pem.withUnsafeBytes { bytes -> Bool in
            guard let base = bytes.baseAddress, let bio = BIO_new_mem_buf(base, Int32(bytes.count)) else { return false }
            defer { BIO_free(bio) }
            // A passphrase callback that supplies none: an encrypted key fails to load instead
            // of OpenSSL prompting on the terminal.
            guard let key = PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil) else { return false }
            defer { EVP_PKEY_free(key) }
            return SSL_CTX_use_PrivateKey(context, key) == 1
        }
        guard loaded else { throw TLSError.drainingQueue(.configuration, "load private key \(path)") }
    }
}
