import Foundation

/// Accepts TLS connections and runs a handler for each on its own thread.
///
/// Binds and listens in `init` (so `boundPort` is known at once); `start` launches the accept
/// thread. Each accepted connection gets a new `Thread` — blocking work never runs on the Swift
/// concurrency pool — which sets the socket timeouts, performs the TLS handshake within the idle
/// timeout (a plaintext or junk client just gets a failed handshake and a closed socket), calls
/// `handler(connection)`, and closes the connection when the handler returns.
///
/// Over `maxConnections`, a client still gets a handshake, then `busyReply`, then a close, on one
/// of at most `maxBusyConnections` extra threads; beyond that it is disconnected at once.
// @unchecked Sendable: the configuration, context, handler, sockets and drain signal are
// immutable after init; every mutable counter and flag is guarded by `state` (an NSCondition).
public final class Listener: @unchecked Sendable {
    /// The real port (useful when the configuration asked for port 0).
    public let boundPort: Int

    private let configuration: ListenerConfiguration
    private let tls: TLSServerContext
    private let handler: @Sendable (TLSConnection) -> Void
    private let listeningDescriptors: [Int32]
    private let drain: DrainSignal
    /// Busy clients are told quickly: their handshake gets at most this long.
    private static let busyHandshakeSeconds = 10.0

    private let state = NSCondition()
    // Guarded by `state`:
    private var started = false
    private var stopping = false
    private var acceptLoopRunning = false
    private var listeningClosed = false
    private var sessionCount = 0
    private var busyCount = 0

    /// Validates the configuration, binds and listens.
    public init(configuration: ListenerConfiguration, tls: TLSServerContext,
                handler: @escaping @Sendable (TLSConnection) -> Void) throws(NetworkError) {
        guard configuration.maxConnections >= 1 else {
            throw NetworkError(operation: "invalid listener configuration", reason: "maxConnections must be at least 1")
        }
        guard configuration.maxBusyConnections >= 0 else {
            throw NetworkError(operation: "invalid listener configuration", reason: "maxBusyConnections must not be negative")
        }
        guard configuration.idleTimeoutSeconds > 0, configuration.idleTimeoutSeconds.isFinite else {
            throw NetworkError(operation: "invalid listener configuration", reason: "idleTimeoutSeconds must be a positive number")
        }
        let drain = try DrainSignal()
        let (descriptors, port) = try ListeningSockets.open(host: configuration.host, port: configuration.port)
        self.configuration = configuration
        self.tls = tls
        self.handler = handler
        self.drain = drain
        self.listeningDescriptors = descriptors
        self.boundPort = port
    }

    deinit {
        // Only reachable when the accept loop is not running (it holds a strong reference).
        if !listeningClosed { listeningDescriptors.forEach(NetworkPosix.closeDescriptor) }
    }

    /// Connections currently open or handshaking, not counting busy replies in progress.
    public var activeConnections: Int {
        state.lock()
        defer { state.unlock() }
        return sessionCount
    }

    /// Starts the accept thread. Also makes the process ignore SIGPIPE, so that writing to a
    /// connection the peer has closed fails with EPIPE instead of killing the server.
    /// Does nothing if already started or stopped.
    public func start() {
        state.lock()
        guard !started && !stopping else {
            state.unlock()
            return
        }
        started = true
        acceptLoopRunning = true
        state.unlock()
        signal(SIGPIPE, SIG_IGN)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "coffer-accept"
        thread.start()
    }

    /// Graceful stop: stops accepting and closes the listening socket. Connections idle between
    /// requests are woken and their `readLine` returns `.closed`; a connection in the middle of
    /// a request finishes it, writes the reply, and its next `readLine` returns `.closed`.
    /// Returns when every connection thread has ended or `timeout` seconds have passed.
    /// Idempotent. Not to be called from a handler: it would wait for its own thread.
    public func stop(timeout: Double) {
        let deadline = Date(timeIntervalSinceNow: max(timeout, 0))
        state.lock()
        stopping = true
        let closeHere = !acceptLoopRunning && !listeningClosed
        if closeHere { listeningClosed = true }
        state.unlock()
        drain.fire()
        if closeHere { listeningDescriptors.forEach(NetworkPosix.closeDescriptor) }

        state.lock()
        defer { state.unlock() }
        while acceptLoopRunning || sessionCount > 0 || busyCount > 0 {
            if !state.wait(until: deadline) { break }
        }
    }

    // MARK: Accepting

    private func acceptLoop() {
        var descriptors = listeningDescriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        descriptors.append(pollfd(fd: drain.readDescriptor, events: Int16(POLLIN), revents: 0))
        loop: while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                usleep(10_000)
                continue
            }
            if descriptors[descriptors.count - 1].revents != 0 { break loop }
            for index in 0..<(descriptors.count - 1) where descriptors[index].revents != 0 {
                acceptPending(on: descriptors[index].fd)
            }
        }
        state.lock()
        listeningClosed = true
        listeningDescriptors.forEach(NetworkPosix.closeDescriptor)
        acceptLoopRunning = false
        state.broadcast()
        state.unlock()
    }

    private enum Admission {
        case session, busy, drop
    }

    /// Accepts one pending connection and hands it to a new thread.
    private func acceptPending(on listening: Int32) {
        var peerAddress = sockaddr_storage()
        let descriptor = SocketSupport.accept(from: listening, peer: &peerAddress)
        guard descriptor >= 0 else {
            // Out of descriptors or memory: back off instead of spinning on a readable socket.
            if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM { usleep(100_000) }
            return
        }
        let admission = admit()
        guard admission != .drop else {
            NetworkPosix.closeDescriptor(descriptor)
            return
        }
        let peer = SocketSupport.describe(peerAddress)
        let thread = Thread { [self] in
            if admission == .session {
                serve(descriptor, peer: peer)
            } else {
                tellBusy(descriptor, peer: peer)
            }
        }
        thread.name = admission == .session ? "coffer-connection" : "coffer-busy"
        thread.start()
    }

    private func admit() -> Admission {
        state.lock()
        defer { state.unlock() }
        if stopping { return .drop }
        if sessionCount < configuration.maxConnections {
            sessionCount += 1
            return .session
        }
        if busyCount < configuration.maxBusyConnections {
            busyCount += 1
            return .busy
        }
        return .drop
    }

    // MARK: Connection threads

    private func serve(_ descriptor: Int32, peer: String) {
        defer { release(session: true) }
        let timeout = configuration.idleTimeoutSeconds
        SocketSupport.configureConnection(descriptor, timeoutSeconds: timeout)
        let connection: TLSConnection
        do {
            connection = try TLSConnection(acceptingOn: descriptor, context: tls, peerDescription: peer,
                                           idleTimeout: timeout, handshakeDeadline: IODeadline(secondsFromNow: timeout), drain: drain)
        } catch {
            return   // the socket is closed; a failed handshake needs no further action
        }
        defer { connection.close() }
        guard !drain.isFired else { return }
        handler(connection)
    }

    private func tellBusy(_ descriptor: Int32, peer: String) {
        defer { release(session: false) }
        let timeout = min(configuration.idleTimeoutSeconds, Self.busyHandshakeSeconds)
        SocketSupport.configureConnection(descriptor, timeoutSeconds: timeout)
        guard let connection = try? TLSConnection(acceptingOn: descriptor, context: tls, peerDescription: peer,
                                                  idleTimeout: timeout, handshakeDeadline: IODeadline(secondsFromNow: timeout), drain: drain)
        else { return }
        try? connection.write(configuration.busyReply)
        connection.close()
    }

    private func release(session: Bool) {
        state.lock()
        if session { sessionCount -= 1 } else { busyCount -= 1 }
        state.broadcast()
        state.unlock()
    }
}
