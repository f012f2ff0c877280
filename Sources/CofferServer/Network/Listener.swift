import Foundation
import CofferTLS

/// Accepts TLS connections and runs a handler for each on its own thread.
///
/// Binds and listens in `init` (so `boundPort` is known at once); `start` launches the accept
/// thread. Each accepted connection gets a new `Thread` — blocking work never runs on the Swift
/// concurrency pool — which sets the socket timeouts, performs the TLS handshake within the
/// handshake deadline (a plaintext or junk client just gets a failed handshake and a closed
/// socket), calls `handler(connection)`, and closes the connection when the handler returns.
///
/// Admission, at `accept`:
/// - an address already holding `maxConnectionsPerAddress` connections gets `addressBusyReply`;
/// - with all `maxConnections` slots taken, the slot of the oldest connection still in its
///   handshake after `evictionGraceSeconds` is given to the new client, and that handshake is
///   ended at once (`PendingHandshakes`): silent sockets cannot keep others out for long;
/// - otherwise the client gets `busyReply`.
/// A busy client still gets a handshake, then its reply, then a close, on one of at most
/// `maxBusyConnections` extra threads; beyond that it is disconnected at once.
// @unchecked Sendable: the configuration, context, handler, sockets and drain signal are
// immutable after init; every mutable counter, table and flag is guarded by `state` (an NSCondition).
public final class Listener: @unchecked Sendable {
    /// The real port (useful when the configuration asked for port 0).
    public let boundPort: Int

    private let configuration: ListenerConfiguration
    private let tls: TLSServerContext
    private let handler: @Sendable (TLSConnection) -> Void
    private let listeningDescriptors: [Int32]
    private let drain: DrainSignal
    /// Seconds a handshake may take: the configured deadline, and never more than the idle timeout.
    private let handshakeSeconds: Double
    /// A handshake younger than this keeps its slot even when the server is full, so that a
    /// flood must open a server's worth of connections within it to keep a client out.
    static let evictionGraceSeconds = 1.0

    private let state = NSCondition()
    // Guarded by `state`:
    private var started = false
    private var stopping = false
    private var acceptLoopRunning = false
    private var listeningClosed = false
    /// Connection slots taken (handshaking or serving), at most `maxConnections`.
    private var sessionCount = 0
    private var busyCount = 0
    /// Connections whose handshake was ended to free their slot for a newer client, and whose
    /// thread has not ended yet; their slot already belongs to that client.
    private var evicted: Set<Int> = []
    private var nextConnectionID = 0
    private var pendingHandshakes = PendingHandshakes()
    private var perAddress: ConnectionsPerAddress

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
        guard configuration.handshakeTimeoutSeconds > 0, configuration.handshakeTimeoutSeconds.isFinite else {
            throw NetworkError(operation: "invalid listener configuration", reason: "handshakeTimeoutSeconds must be a positive number")
        }
        guard configuration.maxConnectionsPerAddress >= 0 else {
            throw NetworkError(operation: "invalid listener configuration", reason: "maxConnectionsPerAddress must not be negative")
        }
        let drain = try DrainSignal()
        let (descriptors, port) = try ListeningSockets.open(host: configuration.host, port: configuration.port)
        self.configuration = configuration
        self.tls = tls
        self.handler = handler
        self.drain = drain
        self.listeningDescriptors = descriptors
        self.boundPort = port
        self.handshakeSeconds = min(configuration.handshakeTimeoutSeconds, configuration.idleTimeoutSeconds)
        self.perAddress = ConnectionsPerAddress(limit: configuration.maxConnectionsPerAddress)
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
        while acceptLoopRunning || sessionCount > 0 || busyCount > 0 || !evicted.isEmpty {
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

    private enum Admission: Equatable {
        case session(id: Int), busy(reply: [UInt8]), drop
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
        let address = ClientAddress(peerAddress)
        let admission = admit(descriptor, from: address)
        guard admission != .drop else {
            NetworkPosix.closeDescriptor(descriptor)
            return
        }
        let peer = SocketSupport.describe(peerAddress)
        let thread = Thread { [self] in
            switch admission {
            case .session(let id): serve(descriptor, id: id, peer: peer, address: address)
            case .busy(let reply): tellBusy(descriptor, reply: reply, peer: peer, address: address)
            case .drop: break
            }
        }
        if case .session = admission { thread.name = "coffer-connection" } else { thread.name = "coffer-busy" }
        thread.start()
    }

    private func admit(_ descriptor: Int32, from address: ClientAddress?) -> Admission {
        state.lock()
        defer { state.unlock() }
        if stopping { return .drop }
        guard perAddress.acquire(address) else { return busy(configuration.addressBusyReply) }
        if sessionCount < configuration.maxConnections {
            sessionCount += 1
            return .session(id: registerHandshake(descriptor))
        }
        let now = DispatchTime.now().uptimeNanoseconds
        let grace = UInt64(min(Self.evictionGraceSeconds, handshakeSeconds / 2) * 1_000_000_000)
        if evicted.count < configuration.maxBusyConnections, now > grace,
           let oldest = pendingHandshakes.takeOldest(acceptedBy: now - grace) {
            // Still registered, so its thread has not closed the socket: the number is its own.
            _ = shutdown(oldest.descriptor, Int32(SHUT_RDWR))
            evicted.insert(oldest.id)
            return .session(id: registerHandshake(descriptor))   // the slot passes to the new client
        }
        perAddress.release(address)
        return busy(configuration.busyReply)
    }

    /// Called under `state`: a thread for a busy reply, if one is left.
    private func busy(_ reply: [UInt8]) -> Admission {
        guard busyCount < configuration.maxBusyConnections else { return .drop }
        busyCount += 1
        return .busy(reply: reply)
    }

    /// Called under `state`: records a new connection as handshaking; returns its id.
    private func registerHandshake(_ descriptor: Int32) -> Int {
        nextConnectionID &+= 1
        pendingHandshakes.add(.init(id: nextConnectionID, descriptor: descriptor, acceptedNanoseconds: DispatchTime.now().uptimeNanoseconds))
        return nextConnectionID
    }

    // MARK: Connection threads

    private func serve(_ descriptor: Int32, id: Int, peer: String, address: ClientAddress?) {
        defer { releaseSession(id: id, address: address) }
        SocketSupport.configureConnection(descriptor, timeoutSeconds: configuration.idleTimeoutSeconds)
        let connection: TLSConnection
        do {
            connection = try TLSConnection(acceptingOn: descriptor, context: tls, peerDescription: peer, clientAddress: address,
                                           idleTimeout: configuration.idleTimeoutSeconds,
                                           handshakeDeadline: IODeadline(secondsFromNow: handshakeSeconds), drain: drain,
                                           handshakeEnded: { handshakeEnded(id: id) })
        } catch {
            return   // the socket is closed; a failed handshake needs no further action
        }
        defer { connection.close() }
        guard !drain.isFired, !wasEvicted(id: id) else { return }
        handler(connection)
    }

    private func tellBusy(_ descriptor: Int32, reply: [UInt8], peer: String, address: ClientAddress?) {
        defer { releaseBusy() }
        SocketSupport.configureConnection(descriptor, timeoutSeconds: handshakeSeconds)
        guard let connection = try? TLSConnection(acceptingOn: descriptor, context: tls, peerDescription: peer, clientAddress: address,
                                                  idleTimeout: handshakeSeconds, handshakeDeadline: IODeadline(secondsFromNow: handshakeSeconds),
                                                  drain: drain)
        else { return }
        try? connection.write(reply)
        connection.close()
    }

    private func handshakeEnded(id: Int) {
        state.lock()
        pendingHandshakes.remove(id: id)
        state.unlock()
    }

    /// True if the connection's handshake was ended to free its slot (it may have completed
    /// just before: the socket is shut down all the same).
    private func wasEvicted(id: Int) -> Bool {
        state.lock()
        defer { state.unlock() }
        return evicted.contains(id)
    }

    private func releaseSession(id: Int, address: ClientAddress?) {
        state.lock()
        if evicted.remove(id) == nil { sessionCount -= 1 }
        perAddress.release(address)
        state.broadcast()
        state.unlock()
    }

    private func releaseBusy() {
        state.lock()
        busyCount -= 1
        state.broadcast()
        state.unlock()
    }
}
