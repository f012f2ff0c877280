import Foundation
import COpenSSL
import CCofferShims

/// Sets the name or address a client expects in the server's certificate, checked by OpenSSL
/// during the handshake: `X509_VERIFY_PARAM_set1_host` for a DNS name (also sent as SNI),
/// `X509_VERIFY_PARAM_set1_ip_asc` for an IPv4 or IPv6 literal.
enum PeerNameCheck {
    /// Makes the handshake on `ssl` fail unless the leaf certificate is for `serverName`.
    static func expect(_ serverName: String, on ssl: OpaquePointer) throws(TLSError) {
        // An empty name would make OpenSSL check no name at all.
        guard !serverName.isEmpty, !serverName.utf8.contains(0) else {
            throw TLSError(kind: .configuration, operation: "set the expected server name", details: ["the name is empty or contains NUL"])
        }
        let parameters = SSL_get0_param(ssl)
        X509_VERIFY_PARAM_set_hostflags(parameters, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        let literal = serverName.hasPrefix("[") && serverName.hasSuffix("]") ? String(serverName.dropFirst().dropLast()) : serverName
        if isIPAddress(literal) {
            guard X509_VERIFY_PARAM_set1_ip_asc(parameters, literal) == 1 else {
                throw TLSError.drainingQueue(.configuration, "set the expected IP address \(literal)")
            }
        } else {
            guard X509_VERIFY_PARAM_set1_host(parameters, serverName, 0) == 1,
                  coffer_ssl_set_tlsext_host_name(ssl, serverName) == 1 else {
                throw TLSError.drainingQueue(.configuration, "set the expected server name \(serverName)")
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
