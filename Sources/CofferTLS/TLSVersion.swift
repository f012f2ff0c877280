import CCofferShims

/// A TLS protocol version Coffer may be limited to: the server's minimum (`tls.minimumVersion`),
/// and a client's minimum or maximum. Versions before 1.2 are never offered.
public enum TLSVersion: String, Sendable, CaseIterable {
    /// TLS 1.2; Coffer then allows only ECDHE key exchange with AEAD ciphers (`TLSPolicy`).
    case v1_2 = "1.2"
    /// TLS 1.3.
    case v1_3 = "1.3"

    /// OpenSSL's protocol version constant, through the shim (Swift cannot import the macro).
    var openSSLVersion: Int32 {
        switch self {
        case .v1_2: return coffer_tls1_2_version()
        case .v1_3: return coffer_tls1_3_version()
        }
    }
}
