import CCofferShims

/// A TLS protocol version a client may be pinned to (tests use a TLS-1.2-only client).
public enum ClientTLSVersion: String, Sendable, CaseIterable {
    /// TLS 1.2.
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
