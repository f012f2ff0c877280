import CofferTLS

/// A bounded set of connections, lent one borrower at a time.
///
/// - At most `maxConnections` exist (idle, lent, or being opened); a borrower waits for one
///   to come back until its deadline (`acquireTimeoutSeconds`), then gets `.poolTimeout`.
/// - A connection that broke, or came back inside a transaction block, is closed, not reused.
///   An idle one that the server has written to (a shutdown notice, EOF) is dropped when found.
/// - When opening a connection fails, the error is thrown and further attempts wait for a
///   backoff (`PostgresBackoff`): until then borrowers that would need a new connection fail
///   at once with `.unavailable`, naming the last failure — storage is known to be down. The
///   first success ends the backoff: the pool serves again by itself.
///
/// `@unchecked Sendable`: every mutable field is read and written only under `condition`'s lock.
public final class PostgresConnectionPool: @unchecked Sendable {
    /// Opens one connection by the deadline given.
    public typealias Connector = @Sendable (IODeadline) throws(PostgresError) -> PostgresConnection

    public struct Options: Sendable {
        public var maxConnections: Int
        public var acquireTimeoutSeconds: Double
        public var backoff: PostgresBackoff

        public init(maxConnections: Int = 16, acquireTimeoutSeconds: Double = 5, backoff: PostgresBackoff = PostgresBackoff()) {
            self.maxConnections = maxConnections
            self.acquireTimeoutSeconds = acquireTimeoutSeconds
            self.backoff = backoff
        }
    }

    public let options: Options
    private let connector: Connector
    private let condition = MonotonicCondition()
    private var idle: [PostgresConnection] = []
    /// Connections that exist: idle, lent, or being opened.
    private var openCount = 0
    private var consecutiveFailures = 0
    private var lastFailure: PostgresError?
    private var retryAt: IODeadline?
    private var isClosed = false

    /// A pool that opens connections with `PostgresConnection.connect(configuration)`.
    public convenience init(configuration: PostgresConfiguration, options: Options) {
        self.init(options: options) { (deadline) throws(PostgresError) in
            try PostgresConnection.connect(configuration, until: deadline)
        }
    }

    /// A pool over any way of opening connections (tests give a fake server's).
    public init(options: Options, connector: @escaping Connector) {
        self.options = Options(maxConnections: max(options.maxConnections, 1), acquireTimeoutSeconds: options.acquireTimeoutSeconds,
                               backoff: options.backoff)
        self.connector = connector
    }

    deinit { close() }

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    public func withConnection<T, E: PostgresErrorWrapping>(_ body: (PostgresConnection) throws(E) -> T) throws(E) -> T {
        let connection: PostgresConnection
        do { connection = try acquire() } catch { throw E(postgres: error) }
        defer { release(connection) }
        return try body(connection)
    }

    /// Runs `body` in a transaction block on a lent connection (see `PostgresConnection.transaction`).
    public func transaction<T, E: PostgresErrorWrapping>(_ body: (PostgresConnection) throws(E) -> T) throws(E) -> T {
        try withConnection { (connection) throws(E) -> T in try connection.transaction(body) }
    }

    /// The number of connections that exist now (for tests and metrics).
    public var connectionCount: Int { condition.withLock { openCount } }

    /// True while connecting is backed off after a failure.
    public var isBackingOff: Bool { condition.withLock { retryAt.map { !$0.hasPassed } ?? false } }

    /// Closes idle connections now and lent ones when they come back; later borrowers get `.poolClosed`.
    public func close() {
        let closing: [PostgresConnection] = condition.withLock {
            isClosed = true
            let connections = idle
            openCount -= idle.count
            idle = []
            condition.broadcast()
            return connections
        }
        for connection in closing { connection.close() }
    }

    // MARK: Lending

    func acquire() throws(PostgresError) -> PostgresConnection {
        let deadline = IODeadline(secondsFromNow: options.acquireTimeoutSeconds)
        var stale: [PostgresConnection] = []
        defer { for connection in stale { connection.close() } }
        let step: Step = condition.withLock {
            while true {
                if isClosed { return .fail(.poolClosed) }
                while let connection = idle.popLast() {
                    if connection.isUsableWhenIdle { return .lend(connection) }
                    openCount -= 1
                    stale.append(connection)
                }
                if openCount < options.maxConnections {
                    if let retryAt, !retryAt.hasPassed {
                        return .fail(.unavailable(reason: lastFailure?.description ?? "the last connection attempt failed"))
                    }
                    openCount += 1
                    return .open
                }
                if deadline.hasPassed { return .fail(.poolTimeout) }
                condition.wait(until: deadline)
            }
        }
        switch step {
        case .lend(let connection): return connection
        case .fail(let error): throw error
        case .open: return try open(until: deadline)
        }
    }

    private enum Step {
        case lend(PostgresConnection)
        case open
        case fail(PostgresError)
    }

    /// Opens a connection for a slot already counted in `openCount`.
    private func open(until deadline: IODeadline) throws(PostgresError) -> PostgresConnection {
        do {
            let connection = try connector(deadline)
            condition.withLock {
                consecutiveFailures = 0
                lastFailure = nil
                retryAt = nil
            }
            return connection
        } catch {
            condition.withLock {
                openCount -= 1
                consecutiveFailures += 1
                lastFailure = error
                let delay = options.backoff.delay(afterFailures: consecutiveFailures, random: Double.random(in: 0..<1))
                retryAt = IODeadline(secondsFromNow: delay)
                condition.broadcast()
            }
            throw error
        }
    }

    func release(_ connection: PostgresConnection) {
        let keep = condition.withLock { () -> Bool in
            defer { condition.signal() }
            guard !isClosed, !connection.isBroken, connection.transactionStatus == .idle else {
                openCount -= 1
                return false
            }
            idle.append(connection)
            return true
        }
        if !keep { connection.close() }
    }
}
