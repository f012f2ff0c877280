import Foundation
import COpenSSL
import CCofferShims

/// Builds the client's TLS objects and runs the handshake with certificate verification:
/// the chain must lead to a trusted certificate, and the leaf must name the expected host
/// (`X509_VERIFY_PARAM_set1_host`) or IP address (`X509_VERIFY_PARAM_set1_ip_asc`).
enum ClientTLSSetup {
    /// TLS 1.2 cipher list: ECDHE key exchange with AEAD ciphers only, like the server's.
    static let tls12CipherList =
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" +
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:" +
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"

    /// Creates an `SSL *` on `socket`, handshakes by `deadline`, and returns it (owned by the caller).
    static func connect(_ socket: Int32, configuration: ClientConfiguration,
                        until deadline: ClientSocket.Deadline) throws(ClientError) -> OpaquePointer {
        ERR_clear_error()
        let context = try makeContext(configuration)
        // The SSL object takes its own reference to the context.
        defer { SSL_CTX_free(context) }
        guard let ssl = SSL_new(context) else {
            throw ClientError.drainingQueue(.handshake, "cannot create a TLS connection")
        }
        do {
            try prepare(ssl, socket: socket, serverName: configuration.expectedServerName)
            try handshake(ssl, socket: socket, until: deadline)
            return ssl
        } catch {
            SSL_free(ssl)
            throw error
        }
    }

    private static func makeContext(_ configuration: ClientConfiguration) throws(ClientError) -> OpaquePointer {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw ClientError.drainingQueue(.handshake, "cannot create a TLS context")
        }
        let minimum = configuration.minimumVersion ?? .v1_2
        var ok = coffer_ssl_ctx_set_min_proto_version(context, minimum.openSSLVersion) == 1
        if ok, let maximum = configuration.maximumVersion {
            ok = coffer_ssl_ctx_set_max_proto_version(context, maximum.openSSLVersion) == 1
        }
        _ = coffer_ssl_ctx_set_options(context, coffer_ssl_hardening_options())
        ok = ok && SSL_CTX_set_cipher_list(context, tls12CipherList) == 1
        guard ok else {
            SSL_CTX_free(context)
            throw ClientError.drainingQueue(.invalidConfiguration, "cannot apply the TLS version and cipher settings")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let path = configuration.trustedCertificatePath {
            guard SSL_CTX_load_verify_file(context, path) == 1 else {
                SSL_CTX_free(context)
                throw ClientError.drainingQueue(.invalidConfiguration, "cannot load trusted certificate \(path)")
            }
        } else if SSL_CTX_set_default_verify_paths(context) != 1 {
            SSL_CTX_free(context)
            throw ClientError.drainingQueue(.invalidConfiguration, "cannot load the system trust store")
        }
        return context
    }

    private static func prepare(_ ssl: OpaquePointer, socket: Int32, serverName: String) throws(ClientError) {
        guard SSL_set_fd(ssl, socket) == 1 else {
            throw ClientError.drainingQueue(.handshake, "cannot attach the socket")
        }
        let parameters = SSL_get0_param(ssl)
        X509_VERIFY_PARAM_set_hostflags(parameters, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        let literal = serverName.hasPrefix("[") && serverName.hasSuffix("]") ? String(serverName.dropFirst().dropLast()) : serverName
        if isIPAddress(literal) {
            guard X509_VERIFY_PARAM_set1_ip_asc(parameters, literal) == 1 else {
                throw ClientError.drainingQueue(.invalidConfiguration, "cannot set the expected IP address \(literal)")
            }
        } else {
            guard X509_VERIFY_PARAM_set1_host(parameters, serverName, 0) == 1,
                  coffer_ssl_set_tlsext_host_name(ssl, serverName) == 1 else {
                throw ClientError.drainingQueue(.invalidConfiguration, "cannot set the expected server name \(serverName)")
            }
        }
    }

    private static func handshake(_ ssl: OpaquePointer, socket: Int32, until deadline: ClientSocket.Deadline) throws(ClientError) {
        while true {
            ERR_clear_error()
            let result = SSL_connect(ssl)
            if result == 1 { return }
            let code = SSL_get_error(ssl, result)
            switch code {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                guard ClientSocket.wait(socket, writable: code == SSL_ERROR_WANT_WRITE, until: deadline) else {
                    ERR_clear_error()
                    throw ClientError(kind: .timeout, message: "TLS handshake timed out")
                }
            default:
                let verification = SSL_get_verify_result(ssl)
                if verification != X509_V_OK {
                    let reason = String(cString: X509_verify_cert_error_string(verification))
                    throw ClientError.drainingQueue(.certificateVerification, "server certificate verification failed", extra: reason)
                }
                let system = code == SSL_ERROR_SYSCALL ? (errno == 0 ? "the server closed the connection" : String(cString: strerror(errno))) : nil
                throw ClientError.drainingQueue(.handshake, "TLS handshake failed", extra: system)
            }
        }
    }

    /// True for an IPv4 or IPv6 literal.
    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
