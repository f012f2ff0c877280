import Foundation
import XCTest
@testable import CofferPostgres
import CofferTLS

/// A scripted PostgreSQL server on one end of a socket pair, run on its own thread; the
/// client gets the other end. Every read on the server side is bounded (5 s), so a test
/// whose client misbehaves fails instead of hanging.
final class FakeServer: @unchecked Sendable {
    // @unchecked Sendable: `serverSocket` is used only by the script's thread; `failure` and
    // `received` are guarded by `lock`; `done` is a semaphore.
    let clientSocket: Int32
    private let serverSocket: Int32
    private let lock = NSLock()
    private var failure: String?
    private var received: [(type: UInt8, body: [UInt8])] = []
    private let done = DispatchSemaphore(value: 0)

    /// Starts `script` on a new thread with the server end.
    init(_ script: @escaping @Sendable (FakeServer) throws -> Void) {
        var pair: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, NetworkPosix.streamType, 0, &pair) == 0)
        clientSocket = pair[0]
        serverSocket = pair[1]
        let thread = Thread { [self] in
            do { try script(self) } catch { record("script failed: \(error)") }
            done.signal()
        }
        thread.start()
    }

    /// A transport on the client end (it owns the descriptor).
    func clientTransport() -> PostgresSocketTransport { PostgresSocketTransport(socket: clientSocket) }

    /// Waits for the script to end and fails the test with its error, if any.
    func finish(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "the fake server did not finish", file: file, line: line)
        if let failure = lock.withLock({ failure }) { XCTFail(failure, file: file, line: line) }
    }

    /// The typed messages the server read, in order.
    var messages: [(type: UInt8, body: [UInt8])] { lock.withLock { received } }

    private func record(_ text: String) { lock.withLock { if failure == nil { failure = text } } }

    // MARK: Script side

    struct Closed: Error {}
    struct TimedOut: Error {}

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Foundation.send(serverSocket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    func readExactly(_ count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        while out.count < count {
            var descriptor = pollfd(fd: serverSocket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 5000) > 0 else { throw TimedOut() }
            var chunk = [UInt8](repeating: 0, count: count - out.count)
            let got = chunk.withUnsafeMutableBytes { recv(serverSocket, $0.baseAddress, $0.count, 0) }
            guard got > 0 else { throw Closed() }
            out += chunk[0..<got]
        }
        return out
    }

    private func int32(_ bytes: [UInt8]) -> Int {
        Int(Int32(bitPattern: UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])))
    }

    /// Reads the untyped first message: `SSLRequest` (returns its code) or `StartupMessage`
    /// (returns the protocol version) and its parameters.
    func readStartup() throws -> (code: Int, parameters: [String: String]) {
        let length = int32(try readExactly(4))
        let body = try readExactly(length - 4)
        let code = int32(Array(body[0..<4]))
        var parameters: [String: String] = [:]
        let strings = body[4...].split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var index = 0
        while index + 1 < strings.count, !strings[index].isEmpty {
            parameters[strings[index]] = strings[index + 1]
            index += 2
        }
        return (code, parameters)
    }

    /// Reads one typed frontend message.
    @discardableResult
    func readMessage() throws -> (type: UInt8, body: [UInt8]) {
        let header = try readExactly(5)
        let body = try readExactly(int32(Array(header[1...])) - 4)
        lock.withLock { received.append((header[0], body)) }
        return (header[0], body)
    }

    /// Reads messages up to and including `Sync`.
    @discardableResult
    func readUntilSync() throws -> [(type: UInt8, body: [UInt8])] {
        var messages: [(type: UInt8, body: [UInt8])] = []
        while true {
            let message = try readMessage()
            messages.append(message)
            if message.type == UInt8(ascii: "S") { return messages }
        }
    }

    /// True once the client has closed its end (reads EOF within 5 s), and the typed messages
    /// it sent before that.
    func readUntilClosed() -> Bool {
        while true {
            do { try readMessage() } catch is Closed { return true } catch { return false }
        }
    }

    /// Runs startup and a SCRAM exchange for `password` as PostgreSQL does, then `sessionReady`.
    func acceptLogin(password: String) throws {
        _ = try readStartup()
        send(BackendBytes.sasl(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]))
        var scram = TestSCRAMServer(password: password)
        let initial = try readMessage()
        let mechanismEnd = initial.body.firstIndex(of: 0)!
        guard String(decoding: initial.body[..<mechanismEnd], as: UTF8.self) == "SCRAM-SHA-256" else { throw Closed() }
        let clientFirst = Array(initial.body[(mechanismEnd + 5)...])
        send(BackendBytes.saslContinue(try scram.serverFirst(for: clientFirst)))
        let final = try readMessage()
        send(BackendBytes.saslFinal(try scram.serverFinal(for: final.body)) + BackendBytes.authenticationOk + BackendBytes.sessionReady)
    }

    /// Shuts the server end down: the client reads EOF, and a script blocked reading wakes up.
    /// (The descriptor itself is closed in `deinit`, once the script's thread is done with it.)
    func hangUp() {
        _ = shutdown(serverSocket, Int32(SHUT_RDWR))
    }

    deinit { _ = Foundation.close(serverSocket) }
}

/// A configuration for fake servers (the transport is made by the test, so host and CA do not matter).
func fakeConfiguration(password: String = "correct horse", operationTimeout: Double = 5) -> PostgresConfiguration {
    PostgresConfiguration(host: "/nonexistent", port: 5432, database: "coffer", user: "coffer", password: secure(password),
                          caFile: nil, connectTimeoutSeconds: 5, operationTimeoutSeconds: operationTimeout)
}

/// A connection to `server` that has completed startup.
func connectedClient(to server: FakeServer, password: String = "correct horse", operationTimeout: Double = 5) throws -> PostgresConnection {
    let connection = PostgresConnection(transport: server.clientTransport(), configuration: fakeConfiguration(password: password, operationTimeout: operationTimeout))
    try connection.startUp(until: IODeadline(secondsFromNow: 5))
    return connection
}

extension FakeServer {
    /// Answers every pipeline as a server with no tables would: each statement completes with
    /// no rows, and `BEGIN`/`COMMIT`/`ROLLBACK` move the transaction status. Ends at EOF.
    func serveQueries() throws {
        var statements: [String: String] = [:]
        var status: Character = "I"
        while true {
            let messages: [(type: UInt8, body: [UInt8])]
            do { messages = try readUntilSync() } catch is Closed { return }
            var reply: [UInt8] = []
            var sql = ""
            for message in messages {
                let fields = message.body.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
                switch message.type {
                case UInt8(ascii: "P"):
                    statements[fields[0]] = fields[1]
                    sql = fields[1]
                    reply += BackendBytes.parseComplete
                case UInt8(ascii: "B"):
                    sql = statements[fields[1]] ?? sql
                    reply += BackendBytes.bindComplete
                case UInt8(ascii: "D"):
                    reply += BackendBytes.noData
                case UInt8(ascii: "E"):
                    let verb = sql.split(separator: " ").first.map(String.init) ?? ""
                    if verb == "BEGIN" { status = "T" }
                    if verb == "COMMIT" || verb == "ROLLBACK" { status = "I" }
                    reply += BackendBytes.commandComplete(verb == "SELECT" ? "SELECT 0" : verb)
                default:
                    break
                }
            }
            send(reply + BackendBytes.readyForQuery(status))
        }
    }
}

/// Opens connections to fresh fake servers for a pool, counting attempts; the first
/// `failures` attempts fail as an unreachable server would.
final class FakeServerFarm: @unchecked Sendable {
    // @unchecked Sendable: every field is guarded by `lock`.
    private let lock = NSLock()
    private var servers: [FakeServer] = []
    private var attempts = 0
    private var failuresLeft: Int

    init(failures: Int = 0) { failuresLeft = failures }

    var attemptCount: Int { lock.withLock { attempts } }
    var lastServer: FakeServer? { lock.withLock { servers.last } }

    func fail(next count: Int) { lock.withLock { failuresLeft = count } }

    func connect(until deadline: IODeadline) throws(PostgresError) -> PostgresConnection {
        let fails = lock.withLock { () -> Bool in
            attempts += 1
            guard failuresLeft > 0 else { return false }
            failuresLeft -= 1
            return true
        }
        if fails { throw .connect(host: "127.0.0.1", port: 5432, reason: "Connection refused") }
        let server = FakeServer { server in
            try server.acceptLogin(password: "correct horse")
            try server.serveQueries()
        }
        lock.withLock { servers.append(server) }
        let connection = PostgresConnection(transport: server.clientTransport(), configuration: fakeConfiguration())
        try connection.startUp(until: deadline)
        return connection
    }

    func pool(maxConnections: Int, acquireTimeout: Double = 2, backoff: PostgresBackoff = PostgresBackoff(initialSeconds: 0.05, maximumSeconds: 0.1)) -> PostgresConnectionPool {
        PostgresConnectionPool(options: .init(maxConnections: maxConnections, acquireTimeoutSeconds: acquireTimeout, backoff: backoff)) {
            (deadline) throws(PostgresError) in try self.connect(until: deadline)
        }
    }
}
