/// Where and how the `Listener` accepts connections.
public struct ListenerConfiguration: Sendable, Equatable {
    /// An IPv4 or IPv6 literal, or a name such as "localhost" (every address it resolves to is bound).
    public var host: String
    /// The TCP port; 0 picks an ephemeral port (see `Listener.boundPort`).
    public var port: Int
    /// The most connections served at once; further clients get `busyReply`.
    public var maxConnections: Int
    /// Seconds a connection may spend finishing its handshake, or idle between request lines,
    /// or blocked on a write, before it is closed.
    public var idleTimeoutSeconds: Double
    /// Written right after the handshake to a client over the connection limit, which is then closed.
    public var busyReply: [UInt8]
    /// The most over-the-limit clients being handshaken and told "busy" at once; clients beyond
    /// that are disconnected without a handshake, so a flood cannot exhaust threads.
    public var maxBusyConnections: Int

    /// Creates a configuration; the defaults match the contract's (127.0.0.1:7443, 256, 300 s).
    public init(host: String = "127.0.0.1",
                port: Int = 7443,
                maxConnections: Int = 256,
                idleTimeoutSeconds: Double = 300,
                busyReply: [UInt8] = Array("ERR BUSY the server is at its connection limit, try again later\n".utf8),
                maxBusyConnections: Int = 16) {
        self.host = host
        self.port = port
        self.maxConnections = maxConnections
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.busyReply = busyReply
        self.maxBusyConnections = maxBusyConnections
    }
}
