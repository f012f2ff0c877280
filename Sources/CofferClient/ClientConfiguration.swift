/// Where a `CofferConnection` connects and how it verifies the server.
public struct ClientConfiguration: Sendable, Equatable {
    /// Host name or IP literal to connect to.
    public var host: String
    /// TCP port.
    public var port: Int
    /// PEM file whose certificates are trusted (typically the server's self-signed certificate);
    /// nil uses the system's default trust store.
    public var trustedCertificatePath: String?
    /// The name the server certificate must carry (also sent as SNI when it is a DNS name);
    /// nil means `host`.
    public var serverName: String?
    /// The oldest TLS version offered; nil means TLS 1.2.
    public var minimumVersion: ClientTLSVersion?
    /// The newest TLS version offered; nil means the newest OpenSSL supports.
    public var maximumVersion: ClientTLSVersion?
    /// Bound on connecting plus handshaking, and on each send and each reply read.
    public var timeoutSeconds: Double
    /// The longest reply line accepted, in bytes, so a misbehaving server cannot exhaust memory.
    public var maxReplyBytes: Int
    /// A numeric local address to connect from (on a host with several); nil lets the system
    /// choose. The server's per-address limits count clients by this address.
    public var sourceAddress: String?

    /// Creates a configuration; defaults: 127.0.0.1:7443, system trust store, 30 s timeout.
    public init(host: String = "127.0.0.1",
                port: Int = 7443,
                trustedCertificatePath: String? = nil,
                serverName: String? = nil,
                minimumVersion: ClientTLSVersion? = nil,
                maximumVersion: ClientTLSVersion? = nil,
                timeoutSeconds: Double = 30,
                maxReplyBytes: Int = 64 << 20,
                sourceAddress: String? = nil) {
        self.host = host
        self.port = port
        self.trustedCertificatePath = trustedCertificatePath
        self.serverName = serverName
        self.minimumVersion = minimumVersion
        self.maximumVersion = maximumVersion
        self.timeoutSeconds = timeoutSeconds
        self.maxReplyBytes = maxReplyBytes
        self.sourceAddress = sourceAddress
    }

    /// The name checked against the certificate.
    var expectedServerName: String { serverName ?? host }
}
