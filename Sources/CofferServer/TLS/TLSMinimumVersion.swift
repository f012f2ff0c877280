import CCofferShims

/// The oldest TLS version the server accepts. Versions before 1.2 are never offered.
public enum TLSMinimumVersion: String, Sendable, CaseIterable {
    /// TLS 1.2 and 1.3; TLS 1.2 is then limited to ECDHE key exchange with AEAD ciphers.
    case v1_2 = "1.2"
    /// TLS 1.3 only (the default).
    case v1_3 = "1.3"

    /// OpenSSL's protocol version constant, through the shim (Swift cannot import the macro).
    var openSSLVersion: Int32 {
        switch self {
        case .v1_2: return coffer_tls1_2_version()
        case .v1_3: return coffer_tls1_3_version()
        }
    }
}
