import COpenSSL
import CCofferShims
import CofferCrypto

/// The protocol policy every Coffer TLS context carries, server and client alike: the version
/// range, the hardening options (`coffer_ssl_hardening_options`: no compression, no
/// renegotiation, no session tickets, nothing before TLS 1.2) and the TLS 1.2 cipher list.
enum TLSPolicy {
    /// The TLS 1.2 cipher list: forward-secret ECDHE key exchange, AEAD encryption only.
    /// (TLS 1.3 suites are all AEAD with (EC)DHE, so OpenSSL's defaults are kept for them.)
    static let tls12CipherList =
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" +
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:" +
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"

    /// A new `SSL_CTX *` for `method`, set up by `configure` (which applies the policy and the
    /// side's own settings); freed again if `configure` throws. `side` names it in errors.
    static func makeContext(_ method: OpaquePointer?, side: String,
                            configure: (OpaquePointer) throws(TLSError) -> Void) throws(TLSError) -> OpaquePointer {
        OpenSSLRuntime.disableCleanupAtExit()
        TCPSocket.ignoreBrokenPipes()  // from the first context on, before any socket of either side
        ERR_clear_error()
        guard let context = SSL_CTX_new(method) else {
            throw TLSError.drainingQueue(.configuration, "create \(side) context")
        }
        do {
            try configure(context)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        return context
    }

    /// Applies the policy to `context` (an `SSL_CTX *`), offering `minimum` through `maximum`
    /// (nil: the newest OpenSSL supports).
    static func apply(to context: OpaquePointer, minimum: TLSVersion, maximum: TLSVersion? = nil) throws(TLSError) {
        guard coffer_ssl_ctx_set_min_proto_version(context, minimum.openSSLVersion) == 1 else {
            throw TLSError.drainingQueue(.configuration, "set minimum protocol version \(minimum.rawValue)")
        }
        if let maximum, coffer_ssl_ctx_set_max_proto_version(context, maximum.openSSLVersion) != 1 {
            throw TLSError.drainingQueue(.configuration, "set maximum protocol version \(maximum.rawValue)")
        }
        _ = coffer_ssl_ctx_set_options(context, coffer_ssl_hardening_options())
        guard SSL_CTX_set_cipher_list(context, tls12CipherList) == 1 else {
            throw TLSError.drainingQueue(.configuration, "set TLS 1.2 cipher list")
        }
    }
}
