import XCTest
import CofferCrypto
@testable import CofferPostgres

/// Against a real PostgreSQL (TLS verify-full, SCRAM-SHA-256): skipped without the
/// `COFFER_TEST_POSTGRES_*` variables.
final class PostgresIntegrationTests: XCTestCase {
    private var environment: IntegrationEnvironment!

    override func setUpWithError() throws {
        environment = try IntegrationEnvironment.load()
    }

    private func connect() throws -> PostgresConnection {
        try PostgresConnection.connect(try environment.configuration())
    }

    func testConnectsOverTLSWithSCRAM() throws {
        let connection = try connect()
        defer { connection.close() }
        let major = Int(connection.serverParameters["server_version"]?.split(separator: ".").first ?? "") ?? 0
        XCTAssertGreaterThanOrEqual(major, 15)
        let row = try connection.query("SELECT ssl, current_user::text FROM pg_stat_ssl, current_user WHERE pid = pg_backend_pid()").rows[0]
        XCTAssertEqual(try row[0].bool(), true)
        XCTAssertEqual(try row[1].string(), environment.user)
        // The password this role authenticated with is stored as a SCRAM verifier (pg_authid is
        // superuser-only; the method is visible in the session's authentication instead).
        XCTAssertEqual(connection.transactionStatus, .idle)
    }

    func testByteaInt8AndTextRoundTripThroughBinds() throws {
        let connection = try connect()
        defer { connection.close() }
        _ = try connection.query("CREATE TEMP TABLE round_trip (id int8 PRIMARY KEY, blob bytea, name text, flag bool, small int4)")
        let blob = (0...255).map(UInt8.init) + [0, 0, 0xFF]
        let rows: [[PostgresValue]] = [
            [.int8(Int64.min), .bytea(blob), .text("grüße, 世界 'quoted' \"double\" \\ back"), .bool(true), .int4(Int32.min)],
            [.int8(Int64.max), .bytea([]), .text(""), .bool(false), .int4(Int32.max)],
            [.int8(0), .null, .null, .null, .null],
        ]
        for values in rows {
            XCTAssertEqual(try connection.query("INSERT INTO round_trip VALUES ($1, $2, $3, $4, $5)", values).affectedRows, 1)
        }
        let result = try connection.query("SELECT id, blob, name, flag, small FROM round_trip ORDER BY id")
        XCTAssertEqual(result.columns.map(\.type), [.int8, .bytea, .text, .bool, .int4])
        XCTAssertEqual(result.rows.count, 3)
        XCTAssertEqual(try result.rows[0][0].int64(), Int64.min)
        XCTAssertEqual(try result.rows[0][1].bytea(), blob)
        XCTAssertEqual(try result.rows[0][2].string(), "grüße, 世界 'quoted' \"double\" \\ back")
        XCTAssertEqual(try result.rows[0][3].bool(), true)
        XCTAssertEqual(try result.rows[0][4].int64(), Int64(Int32.min))
        XCTAssertEqual(try result.rows[1][0].int64(), 0)
        XCTAssertTrue(result.rows[1][1].isNull && result.rows[1][2].isNull && result.rows[1][3].isNull)
        XCTAssertEqual(try result.rows[2][0].int64(), Int64.max)
        XCTAssertEqual(try result.rows[2][1].bytea(), [])
        XCTAssertEqual(try result.rows[2][2].string(), "")
        // Binds are data, never SQL.
        let injection = "x'); DROP TABLE round_trip; --"
        _ = try connection.query("INSERT INTO round_trip (id, name) VALUES ($1, $2)", [.int8(7), .text(injection)])
        XCTAssertEqual(try connection.query("SELECT name FROM round_trip WHERE id = $1", [.int8(7)]).rows[0][0].string(), injection)
    }

    /// The same text with the same types is prepared once per session.
    func testStatementsArePreparedOnce() throws {
        let connection = try connect()
        defer { connection.close() }
        for value in 1...5 {
            XCTAssertEqual(try connection.query("SELECT $1::int8 + 1", [.int8(Int64(value))]).rows[0][0].int64(), Int64(value) + 1)
        }
        let prepared = try connection.query("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", [.text("SELECT $1::int8 + 1")])
        XCTAssertEqual(try prepared.rows[0][0].int64(), 1)
    }

    /// Several statements in one round trip; outside a block they are one implicit
    /// transaction, so an error undoes the statements before it.
    func testPipelinesAreAtomic() throws {
        let connection = try connect()
        defer { connection.close() }
        _ = try connection.query("CREATE TEMP TABLE piped (id int8 PRIMARY KEY, n int8 NOT NULL)")
        let results = try connection.pipeline([
            PostgresStatement("INSERT INTO piped VALUES ($1, $2)", [.int8(1), .int8(10)]),
            PostgresStatement("INSERT INTO piped VALUES ($1, $2)", [.int8(2), .int8(20)]),
            PostgresStatement("UPDATE piped SET n = n + $1", [.int8(1)]),
            PostgresStatement("SELECT sum(n)::int8 FROM piped"),
        ])
        XCTAssertEqual(results.map(\.commandTag), ["INSERT 0 1", "INSERT 0 1", "UPDATE 2", "SELECT 1"])
        XCTAssertEqual(try results[3].rows[0][0].int64(), 32)

        XCTAssertThrowsError(try connection.pipeline([
            PostgresStatement("INSERT INTO piped VALUES ($1, $2)", [.int8(3), .int8(30)]),
            PostgresStatement("INSERT INTO piped VALUES ($1, $2)", [.int8(1), .int8(99)]),
            PostgresStatement("INSERT INTO piped VALUES ($1, $2)", [.int8(4), .int8(40)]),
        ])) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "23505") }
        XCTAssertEqual(try connection.query("SELECT count(*) FROM piped").rows[0][0].int64(), 2)
    }

    /// A unique violation: SQLSTATE 23505 without the key's value, and the connection goes on.
    func testAUniqueViolationLeavesTheConnectionUsable() throws {
        let connection = try connect()
        defer { connection.close() }
        _ = try connection.query("CREATE TEMP TABLE uniq (digest bytea PRIMARY KEY)")
        let digest: [UInt8] = Array("6a6f686e-distinctive".utf8)
        _ = try connection.query("INSERT INTO uniq VALUES ($1)", [.bytea(digest)])
        XCTAssertThrowsError(try connection.query("INSERT INTO uniq VALUES ($1)", [.bytea(digest)])) { error in
            guard case .server(let server) = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(server.sqlState, "23505")
            XCTAssertEqual(server.constraintName, "uniq_pkey")
            XCTAssertFalse("\(error)".contains("distinctive"), "\(error)")
            XCTAssertFalse("\(error)".contains("\\x36"), "\(error)")
        }
        XCTAssertFalse(connection.isBroken)
        XCTAssertEqual(connection.transactionStatus, .idle)
        XCTAssertEqual(try connection.query("SELECT count(*) FROM uniq").rows[0][0].int64(), 1)
    }

    /// Data exceptions quote their input; the message keeps the shape but not the value.
    func testADataExceptionDoesNotEchoTheValue() throws {
        let connection = try connect()
        defer { connection.close() }
        XCTAssertThrowsError(try connection.query("SELECT $1::text::int8", [.text("alice@example.com")])) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "22P02")
            XCTAssertFalse("\(error)".contains("alice"), "\(error)")
        }
        XCTAssertEqual(try connection.query("SELECT 1::int8").rows[0][0].int64(), 1)
    }

    func testTransactionsCommitAndRollBack() throws {
        let pool = PostgresConnectionPool(configuration: try environment.configuration(), options: .init(maxConnections: 1))
        defer { pool.close() }
        try pool.withConnection { (connection) throws(PostgresError) in
            _ = try connection.query("CREATE TEMP TABLE tx (id int8 PRIMARY KEY)")
        }
        try pool.transaction { (connection) throws(PostgresError) in
            _ = try connection.pipeline([PostgresStatement("INSERT INTO tx VALUES (1)"), PostgresStatement("INSERT INTO tx VALUES (2)")])
        }
        XCTAssertThrowsError(try pool.transaction { (connection) throws(PostgresError) in
            _ = try connection.query("INSERT INTO tx VALUES (3)")
            _ = try connection.query("INSERT INTO tx VALUES (1)")
        }) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "23505") }
        // A body that swallows the server's error cannot commit the failed transaction.
        XCTAssertThrowsError(try pool.transaction { (connection) throws(PostgresError) in
            _ = try connection.query("INSERT INTO tx VALUES (4)")
            _ = try? connection.query("INSERT INTO tx VALUES (1)")
        }) { XCTAssertEqual(($0 as? PostgresError)?.sqlState, "25P02") }
        let ids = try pool.withConnection { (connection) throws(PostgresError) in
            try connection.query("SELECT id FROM tx ORDER BY id").rows.map { (row) throws(PostgresError) in try row[0].int64() }
        }
        XCTAssertEqual(ids, [1, 2])
        XCTAssertEqual(pool.connectionCount, 1)
    }

    func testAWrongPasswordIsRejected() throws {
        XCTAssertThrowsError(try PostgresConnection.connect(try environment.configuration(password: secure("not-the-password")))) { error in
            guard case .authenticationRejected(let server) = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(server.sqlState, "28P01")
        }
    }

    func testAnotherCAIsRefused() throws {
        var configuration = try environment.configuration()
        configuration.caFile = try TestCertificates.shared().caFile
        XCTAssertThrowsError(try PostgresConnection.connect(configuration)) { error in
            guard case .certificateVerification = error as? PostgresError else { return XCTFail("\(error)") }
        }
    }

    func testAWrongHostNameIsRefused() throws {
        var configuration = try environment.configuration()
        configuration.tlsServerName = "db.example.com"
        XCTAssertThrowsError(try PostgresConnection.connect(configuration)) { error in
            guard case .certificateVerification(let reason) = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("mismatch"), reason)
        }
    }

    /// A pool under concurrent load stays within its bound.
    func testThePoolBoundUnderConcurrentUse() throws {
        let pool = PostgresConnectionPool(configuration: try environment.configuration(), options: .init(maxConnections: 3, acquireTimeoutSeconds: 10))
        defer { pool.close() }
        let failures = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            do {
                _ = try pool.withConnection { (connection) throws(PostgresError) in
                    try connection.query("SELECT pg_sleep(0.05), $1::int8", [.int8(Int64(index))])
                }
            } catch {
                failures.increment()
            }
        }
        XCTAssertEqual(failures.value, 0)
        XCTAssertLessThanOrEqual(pool.connectionCount, 3)
        let backends = try pool.withConnection { (connection) throws(PostgresError) in
            try connection.query("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'coffer-pgwire-tests' AND usename = current_user").rows[0][0].int64()
        }
        XCTAssertLessThanOrEqual(backends ?? 99, 3)
    }

    /// The server ends a pooled session while it is idle (as a restart would): the pool notices
    /// before lending it and opens a new one.
    func testThePoolReplacesASessionTheServerEnded() throws {
        let pool = PostgresConnectionPool(configuration: try environment.configuration(), options: .init(maxConnections: 2))
        defer { pool.close() }
        let pid = try pool.withConnection { (connection) throws(PostgresError) in
            try connection.query("SELECT pg_backend_pid()::int8").rows[0][0].int64()
        }
        let other = try connect()
        defer { other.close() }
        _ = try other.query("SELECT pg_terminate_backend($1::int4)", [.int4(Int32(pid ?? 0))])
        Thread.sleep(forTimeInterval: 0.2)
        let newPid = try pool.withConnection { (connection) throws(PostgresError) in
            try connection.query("SELECT pg_backend_pid()::int8").rows[0][0].int64()
        }
        XCTAssertNotEqual(newPid, pid)
    }

    /// The Unix-domain socket path (`host` starting with `/`): the test cluster accepts the
    /// role only over TLS, so the server's refusal (class 28) proves the socket was reached.
    func testTheUnixSocketIsReached() throws {
        guard let directory = environment.socketDirectory else { throw XCTSkip("COFFER_TEST_POSTGRES_SOCKET_DIR is not set") }
        var configuration = try environment.configuration()
        configuration.host = directory
        configuration.caFile = nil
        XCTAssertThrowsError(try PostgresConnection.connect(configuration)) { error in
            guard case .authenticationRejected(let server) = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(server.sqlStateClass, "28")
        }
    }
}

/// A counter shared by `concurrentPerform`'s iterations.
final class LockedCounter: @unchecked Sendable {
    // @unchecked Sendable: `count` is only touched under `lock`.
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

extension PostgresIntegrationTests {
    /// A query that outlasts its deadline ends with a timeout at the deadline; the connection
    /// is closed (there is no cancel request), and a new one works.
    func testAQueryDeadline() throws {
        var configuration = try environment.configuration()
        configuration.operationTimeoutSeconds = 0.3
        let connection = try PostgresConnection.connect(configuration)
        let started = Date()
        XCTAssertThrowsError(try connection.query("SELECT pg_sleep(3)")) { XCTAssertEqual($0 as? PostgresError, .timeout(operation: "read")) }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        XCTAssertTrue(connection.isBroken)
        let fresh = try connect()
        defer { fresh.close() }
        XCTAssertEqual(try fresh.query("SELECT 1::int8").rows[0][0].int64(), 1)
    }
}
