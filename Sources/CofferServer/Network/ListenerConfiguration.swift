/// Where and how the `Listener` accepts connections.
public struct ListenerConfiguration: Sendable, Equatable {
    /// An IPv4 or IPv6 literal, or a name such as "localhost" (every address it resolves to is bound).
    public var host: String
    /// The TCP port; 0 picks an ephemeral port (see `Listener.boundPort`).
    public var port: Int
    /// The most connections served at once; further clients get `busyReply`.
    public var maxConnections: Int
    /// Seconds a connection may spend idle between request lines, or blocked on a write,
    /// before it is closed.
    public var idleTimeoutSeconds: Double
    /// Seconds a connection may spend finishing its TLS handshake (never more than the idle
    /// timeout); its slot is free again at the latest then.
    public var handshakeTimeoutSeconds: Double
    /// The most connections one client address (an IPv4 address, an IPv6 /64) may hold at once;
    /// 0 for no such limit.
    public var maxConnectionsPerAddress: Int
    /// Written right after the handshake to a client over the connection limit, which is then closed.
    public var busyReply: [UInt8]
    /// Written right after the handshake to a client whose address is at its limit, which is then closed.
    public var addressBusyReply: [UInt8]
    /// The most over-the-limit clients being handshaken and told "busy" at once; clients beyond
    /// that are disconnected without a handshake, so a flood cannot exhaust threads.
    public var maxBusyConnections: Int

    /// Creates a configuration; the defaults match the contract's (127.0.0.1:7443, 256, 300 s,
    /// 10 s, 64 per address).
    public init(host: String = "127.0.0.1",
                port: Int = 7443,
                maxConnections: Int = 256,
                idleTimeoutSeconds: Double = 300,
                handshakeTimeoutSeconds: Double = 10,
                maxConnectionsPerAddress: Int = 64,
                busyReply: [UInt8] = Array("ERR BUSY the server is at its connection limit, try again later\n".utf8),
                addressBusyReply: [UInt8] = Array("ERR BUSY your address is at its connection limit, try again later\n".utf8),
                maxBusyConnections: Int = 16) {
        self.host = host
        self.port = port
        self.maxConnections = maxConnections
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.handshakeTimeoutSeconds = handshakeTimeoutSeconds
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.busyReply = busyReply
        self.addressBusyReply = addressBusyReply
        self.maxBusyConnections = maxBusyConnections
    }
}
