import Foundation
import CofferTLS

/// One session with PostgreSQL: startup, then queries and pipelines with the extended query
/// protocol. Blocking; every call is bounded by a deadline.
///
/// A server error (`PostgresError.server`) leaves the connection usable once the server has
/// said `ReadyForQuery`; any other failure (timeout, closed socket, protocol violation)
/// breaks it for good (`isBroken`), and the pool drops it.
///
/// `@unchecked Sendable`: the pool moves a connection between threads, but hands it to one
/// borrower at a time; a connection is never used by two threads at once.
public final class PostgresConnection: @unchecked Sendable {
    public let configuration: PostgresConfiguration
    /// The server's parameters after startup (`server_version`, ...), kept current.
    public private(set) var serverParameters: [String: String] = [:]
    /// The transaction status the server last reported.
    public private(set) var transactionStatus = PostgresTransactionStatus.idle
    /// True after a failure that leaves the session in an unknown state, or after `close`.
    public private(set) var isBroken = false

    private let transport: PostgresTransport
    private var decoder: PostgresMessageDecoder
    private let readBuffer: UnsafeMutableRawBufferPointer
    private var preparedStatements = PostgresStatementCache()

    /// Connects, negotiates TLS (over TCP) and authenticates, all within `connectTimeoutSeconds`
    /// (or by `deadline`, if earlier).
    public static func connect(_ configuration: PostgresConfiguration, until deadline: IODeadline? = nil) throws(PostgresError) -> PostgresConnection {
        try configuration.validate()
        let own = IODeadline(secondsFromNow: configuration.connectTimeoutSeconds)
        let deadline = deadline.map { min($0, own) } ?? own
        do {
            let transport = try PostgresConnector.open(configuration, until: deadline)
            let connection = PostgresConnection(transport: transport, configuration: configuration)
            try connection.startUp(until: deadline)
            return connection
        } catch {
            throw Self.namingServer(error, configuration)
        }
    }

    /// A failure to reach the server says which server (a timeout or a reset alone would not).
    private static func namingServer(_ error: PostgresError, _ configuration: PostgresConfiguration) -> PostgresError {
        switch error {
        case .timeout, .connectionClosed, .io:
            return .connect(host: configuration.host, port: configuration.port, reason: error.description)
        default:
            return error
        }
    }

    /// Wraps a transport that is connected (and encrypted, if need be); `startUp` comes next.
    init(transport: PostgresTransport, configuration: PostgresConfiguration) {
        self.transport = transport
        self.configuration = configuration
        decoder = PostgresMessageDecoder(maximumMessageBytes: configuration.maximumMessageBytes)
        readBuffer = .allocate(byteCount: 32 * 1024, alignment: 16)
    }

    deinit {
        close()
        readBuffer.deallocate()
    }

    /// Runs the startup and authentication exchange.
    func startUp(until deadline: IODeadline, clientNonce: String? = nil) throws(PostgresError) {
        var machine = PostgresStartupStateMachine(
            user: configuration.user, database: configuration.database, applicationName: configuration.applicationName,
            password: configuration.password, clientNonce: clientNonce)
        var action = machine.start()
        while true {
            switch action {
            case .send(let messages):
                try send(messages, until: deadline)
            case .wait:
                break
            case .ready:
                serverParameters = machine.serverParameters
                if let encoding = serverParameters["client_encoding"], encoding != "UTF8" {
                    breakConnection()
                    throw .protocolViolation("the server kept client_encoding \(encoding) instead of UTF8")
                }
                return
            case .fail(let error):
                breakConnection()
                throw error
            }
            action = machine.receive(try receive(until: deadline))
        }
    }

    // MARK: Queries

    /// Runs one statement with its parameters and returns its rows.
    public func query(_ sql: String, _ binds: [PostgresValue] = []) throws(PostgresError) -> PostgresQueryResult {
        try pipeline([PostgresStatement(sql, binds)])[0]
    }

    /// Sends every statement, then one `Sync`, in one write, and reads all the answers: one
    /// round trip. Outside a transaction block the server runs them as one implicit
    /// transaction: all of them take effect, or — after the first error, which is thrown —
    /// none. Each statement is prepared once per connection and reused by its text and types.
    public func pipeline(_ statements: [PostgresStatement]) throws(PostgresError) -> [PostgresQueryResult] {
        guard !isBroken else { throw .connectionUnusable }
        guard !statements.isEmpty else { return [] }
        let plan = preparedStatements.plan(statements, capacity: configuration.maximumPreparedStatements)
        // Encoded before anything is sent: an invalid request leaves the connection as it was.
        let bytes = try PostgresFrontendMessage.encode(plan.messages)
        let deadline = IODeadline(secondsFromNow: configuration.operationTimeoutSeconds)
        try write(bytes, until: deadline)
        var machine = PostgresPipelineStateMachine(parses: plan.parses)
        while true {
            switch machine.receive(try receive(until: deadline)) {
            case .wait:
                continue
            case .parsed(let step):
                preparedStatements.confirm(plan.newStatements[step])
            case .done(let outcome, let status):
                transactionStatus = status
                switch outcome {
                case .results(let results): return results
                case .error(let error): throw .server(error)
                }
            case .fail(let error):
                breakConnection()
                throw error
            }
        }
    }

    /// Runs `body` in a transaction block: `BEGIN`, then `COMMIT` if `body` returns, `ROLLBACK`
    /// if it throws (and its error is rethrown). A transaction that failed inside `body` (a
    /// server error the body caught) is rolled back and reported as SQLSTATE 25P02, never
    /// silently "committed".
    public func transaction<T, E: PostgresErrorWrapping>(_ body: (PostgresConnection) throws(E) -> T) throws(E) -> T {
        guard transactionStatus == .idle else { throw E(postgres: .invalidRequest("a transaction block is already open")) }
        do { _ = try query("BEGIN") } catch { throw E(postgres: error) }
        let value: T
        do {
            value = try body(self)
        } catch {
            rollBackQuietly()
            throw error
        }
        guard transactionStatus != .failed else {
            rollBackQuietly()
            throw E(postgres: .server(PostgresServerError(severity: "ERROR", sqlState: "25P02",
                                                          message: "the transaction failed inside its body and was rolled back")))
        }
        do throws(PostgresError) {
            let result = try query("COMMIT")
            guard result.commandTag == "COMMIT" else {
                throw PostgresError.server(PostgresServerError(severity: "ERROR", sqlState: "25P02", message: "the server rolled the transaction back"))
            }
        } catch {
            rollBackQuietly()
            throw E(postgres: error)
        }
        return value
    }

    /// Ends an open transaction block after a failure; if even that fails, the connection is
    /// broken so that the pool will not hand out a session stuck in a transaction.
    private func rollBackQuietly() {
        guard !isBroken, transactionStatus != .idle else { return }
        do { _ = try query("ROLLBACK") } catch { breakConnection() }
        if transactionStatus != .idle { breakConnection() }
    }

    // MARK: Life cycle

    /// True when the connection can be lent: not broken, idle, and the server has sent
    /// nothing since (on an idle session that means a shutdown or a FATAL message, or EOF).
    var isUsableWhenIdle: Bool {
        !isBroken && transactionStatus == .idle && decoder.bufferedByteCount == 0 && !transport.hasPendingInputOrHangUp()
    }

    /// Says `Terminate` (if the session is sound) and closes. Idempotent.
    public func close() {
        if !isBroken, let bytes = try? PostgresFrontendMessage.encode([.terminate]) {
            try? write(bytes, until: IODeadline(secondsFromNow: 0.5))
        }
        breakConnection()
    }

    private func breakConnection() {
        isBroken = true
        transport.close()
    }

    // MARK: I/O

    private func send(_ messages: [PostgresFrontendMessage], until deadline: IODeadline) throws(PostgresError) {
        try write(try PostgresFrontendMessage.encode(messages), until: deadline)
    }

    private func write(_ bytes: [UInt8], until deadline: IODeadline) throws(PostgresError) {
        do {
            try transport.write(bytes, until: deadline)
        } catch {
            breakConnection()
            throw error
        }
    }

    /// The next message, reading as many chunks as it takes.
    private func receive(until deadline: IODeadline) throws(PostgresError) -> PostgresBackendMessage {
        do {
            while true {
                if let message = try decoder.next() {
                    if case .parameterStatus(let name, let value) = message { serverParameters[name] = value }
                    return message
                }
                let count = try transport.read(into: readBuffer, until: deadline)
                decoder.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            }
        } catch {
            breakConnection()
            if case .connectionClosed = error { throw .connectionClosed(midMessage: decoder.bufferedByteCount > 0) }
            throw error
        }
    }
}
