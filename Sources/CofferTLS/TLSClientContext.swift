import COpenSSL
import CofferCrypto

/// Owns a client `SSL_CTX` built from a `TLSClientConfiguration`; frees it in `deinit`.
///
/// Peers are always verified (`SSL_VERIFY_PEER`): the chain must lead to a trusted certificate,
/// and each connection checks the expected name or address (`TLSStream`). The protocol policy
/// is the server's (`TLSPolicy`). One context may serve many connections (a connection pool).
// @unchecked Sendable: the SSL_CTX is fully configured in `init` and never mutated afterwards;
// OpenSSL documents creating SSL objects from one shared SSL_CTX on many threads as safe.
public final class TLSClientContext: @unchecked Sendable {
    /// The configuration this context was built from.
    public let configuration: TLSClientConfiguration
    /// The `SSL_CTX *`; valid for the life of this object.
    let handle: OpaquePointer

    /// Loads the trusted certificates and applies the protocol policy.
    public init(configuration: TLSClientConfiguration) throws(TLSError) {
        self.handle = try TLSPolicy.makeContext(TLS_client_method(), side: "client") { (context) throws(TLSError) in
            try Self.configure(context, configuration)
        }
        self.configuration = configuration
    }

    deinit {
        SSL_CTX_free(handle)
    }

    private static func configure(_ context: OpaquePointer, _ configuration: TLSClientConfiguration) throws(TLSError) {
        try TLSPolicy.apply(to: context, minimum: configuration.minimumVersion, maximum: configuration.maximumVersion)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let path = configuration.trustedCertificatesPath {
            guard SSL_CTX_load_verify_file(context, path) == 1 else {
                throw TLSError.drainingQueue(.configuration, "load trusted certificate \(path)")
            }
        } else if SSL_CTX_set_default_verify_paths(context) != 1 {
            throw TLSError.drainingQueue(.configuration, "load the system trust store")
        }
    }
}
