import XCTest
@testable import CofferPostgres

final class PostgresConnectionPoolTests: XCTestCase {
    func testAReturnedConnectionIsReused() throws {
        let farm = FakeServerFarm()
        let pool = farm.pool(maxConnections: 4)
        for _ in 0..<3 {
            _ = try pool.withConnection { (connection) throws(PostgresError) in try connection.query("SELECT 1") }
        }
        XCTAssertEqual(farm.attemptCount, 1)
        XCTAssertEqual(pool.connectionCount, 1)
        pool.close()
        XCTAssertEqual(pool.connectionCount, 0)
    }

    /// No more than `maxConnections`; a borrower beyond them waits until its deadline.
    func testTheBoundAndTheWaitDeadline() throws {
        let farm = FakeServerFarm()
        let pool = farm.pool(maxConnections: 2, acquireTimeout: 0.3)
        let first = try pool.acquire()
        let second = try pool.acquire()
        let started = Date()
        XCTAssertThrowsError(try pool.acquire()) { XCTAssertEqual($0 as? PostgresError, .poolTimeout) }
        let waited = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(waited, 0.25)
        XCTAssertLessThan(waited, 3)
        XCTAssertEqual(farm.attemptCount, 2)
        pool.release(first)
        pool.release(second)
        pool.close()
    }

    func testAWaiterGetsTheConnectionAnotherReturns() throws {
        let farm = FakeServerFarm()
        let pool = farm.pool(maxConnections: 1, acquireTimeout: 5)
        let held = try pool.acquire()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { pool.release(held) }
        let started = Date()
        let connection = try pool.acquire()
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        XCTAssertTrue(connection === held)
        pool.release(connection)
        XCTAssertEqual(farm.attemptCount, 1)
        pool.close()
    }

    /// A connection that broke while lent is closed, not reused; the next borrower gets a new one.
    func testABrokenConnectionIsDropped() throws {
        let farm = FakeServerFarm()
        let pool = farm.pool(maxConnections: 2)
        XCTAssertThrowsError(try pool.withConnection { (connection) throws(PostgresError) in
            farm.lastServer?.hangUp()
            _ = try connection.query("SELECT 1")
        })
        XCTAssertEqual(pool.connectionCount, 0)
        _ = try pool.withConnection { (connection) throws(PostgresError) in try connection.query("SELECT 1") }
        XCTAssertEqual(farm.attemptCount, 2)
        pool.close()
    }

    /// An idle connection whose server went away (a restart) is found out before it is lent.
    func testAnIdleConnectionTheServerClosedIsNotLent() throws {
        let farm = FakeServerFarm()
        let pool = farm.pool(maxConnections: 2)
        _ = try pool.withConnection { (connection) throws(PostgresError) in try connection.query("SELECT 1") }
        farm.lastServer?.hangUp()
        Thread.sleep(forTimeInterval: 0.05)
        _ = try pool.withConnection { (connection) throws(PostgresError) in try connection.query("SELECT 1") }
        XCTAssertEqual(farm.attemptCount, 2)
        XCTAssertEqual(pool.connectionCount, 1)
        pool.close()
    }

    /// After a failed connect, borrowers fail at once (`unavailable`) until the backoff is over;
    /// then the pool connects again by itself.
    func testReconnectionWithBackoff() throws {
        let farm = FakeServerFarm(failures: 2)
        let pool = farm.pool(maxConnections: 2, backoff: PostgresBackoff(initialSeconds: 0.2, maximumSeconds: 0.4))
        XCTAssertThrowsError(try pool.acquire()) { error in
            guard case .connect(_, 5432, _) = error as? PostgresError else { return XCTFail("\(error)") }
        }
        XCTAssertTrue(pool.isBackingOff)
        let started = Date()
        XCTAssertThrowsError(try pool.acquire()) { error in
            guard case .unavailable(let reason) = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("127.0.0.1:5432"), reason)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.1, "fails at once while backing off")
        XCTAssertEqual(farm.attemptCount, 1)

        Thread.sleep(forTimeInterval: 0.25)
        XCTAssertThrowsError(try pool.acquire())   // the second failure doubles the delay
        XCTAssertEqual(farm.attemptCount, 2)
        Thread.sleep(forTimeInterval: 0.45)
        _ = try pool.withConnection { (connection) throws(PostgresError) in try connection.query("SELECT 1") }
        XCTAssertEqual(farm.attemptCount, 3)
        XCTAssertFalse(pool.isBackingOff)
        pool.close()
    }

    func testAConnectionReturnedInsideATransactionIsClosed() throws {
        let farm = FakeServerFarm()
        let pool = farm.pool(maxConnections: 2)
        _ = try pool.withConnection { (connection) throws(PostgresError) in try connection.query("BEGIN") }
        XCTAssertEqual(pool.connectionCount, 0)
        pool.close()
    }

    func testATransactionThroughThePool() throws {
        let farm = FakeServerFarm()
        let pool = farm.pool(maxConnections: 2)
        let status = try pool.transaction { (connection) throws(PostgresError) -> PostgresTransactionStatus in
            _ = try connection.query("SELECT 1")
            return connection.transactionStatus
        }
        XCTAssertEqual(status, .inTransaction)
        XCTAssertEqual(pool.connectionCount, 1, "committed and returned")
        pool.close()
    }

    func testAClosedPoolLendsNothing() throws {
        let pool = FakeServerFarm().pool(maxConnections: 1)
        pool.close()
        XCTAssertThrowsError(try pool.acquire()) { XCTAssertEqual($0 as? PostgresError, .poolClosed) }
    }

    func testTheBackoffDelays() {
        let backoff = PostgresBackoff(initialSeconds: 0.1, maximumSeconds: 2)
        XCTAssertEqual(backoff.delay(afterFailures: 1, random: 0), 0.05, accuracy: 1e-9)
        XCTAssertEqual(backoff.delay(afterFailures: 1, random: 1), 0.1, accuracy: 1e-9)
        XCTAssertEqual(backoff.delay(afterFailures: 3, random: 1), 0.4, accuracy: 1e-9)
        XCTAssertEqual(backoff.delay(afterFailures: 3, random: 0.5), 0.3, accuracy: 1e-9)
        XCTAssertEqual(backoff.delay(afterFailures: 50, random: 1), 2, accuracy: 1e-9)
        XCTAssertEqual(backoff.delay(afterFailures: 50, random: 0), 1, accuracy: 1e-9)
        XCTAssertEqual(backoff.delay(afterFailures: 0, random: 1), 0.1, accuracy: 1e-9)
    }
}
