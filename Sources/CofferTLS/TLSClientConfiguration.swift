/// Everything needed to build a `TLSClientContext`, as a plain `Sendable` value: what the client
/// trusts and which versions it offers. The name it expects is given per connection
/// (`TLSStream(connectingOn:context:serverName:until:)`).
public struct TLSClientConfiguration: Sendable, Equatable {
    /// PEM file whose certificates are trusted: a CA file, or a server's self-signed certificate.
    /// nil uses the system's default trust store.
    public var trustedCertificatesPath: String?
    /// The oldest protocol version offered.
    public var minimumVersion: TLSVersion
    /// The newest protocol version offered; nil means the newest OpenSSL supports.
    public var maximumVersion: TLSVersion?

    /// Creates a configuration; defaults: the system trust store, TLS 1.2 and newer.
    public init(trustedCertificatesPath: String? = nil, minimumVersion: TLSVersion = .v1_2, maximumVersion: TLSVersion? = nil) {
        self.trustedCertificatesPath = trustedCertificatesPath
        self.minimumVersion = minimumVersion
        self.maximumVersion = maximumVersion
    }
}
