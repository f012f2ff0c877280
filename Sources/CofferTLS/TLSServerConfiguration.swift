/// Everything needed to build a `TLSServerContext`, as a plain `Sendable` value
/// (in the manner of swift-nio-ssl's `TLSConfiguration`).
public struct TLSServerConfiguration: Sendable, Equatable {
    /// PEM file with the server certificate, optionally followed by its chain.
    public var certificatePath: String
    /// PEM file with the private key that matches the certificate.
    public var privateKeyPath: String
    /// The oldest protocol version accepted.
    public var minimumVersion: TLSVersion

    /// Creates a configuration; the minimum version defaults to TLS 1.3.
    public init(certificatePath: String, privateKeyPath: String, minimumVersion: TLSVersion = .v1_3) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.minimumVersion = minimumVersion
    }
}
