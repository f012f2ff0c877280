import CSQLite
import Foundation
import XCTest
@testable import CofferStore

final class StatementCacheTests: SQLiteTestCase {
    private var db: Database!

    override func setUpWithError() throws {
        try super.setUpWithError()
        db = try Database(path: path("cache.db"))
        try db.execute("CREATE TABLE n (x INTEGER)")
        for value in 1...5 { try db.run("INSERT INTO n VALUES (?)", value) }
    }

    override func tearDownWithError() throws {
        db = nil
        try super.tearDownWithError()
    }

    func testSameSQLTextReturnsTheSameCachedStatement() throws {
        let sql = "SELECT x FROM n WHERE x >= ? ORDER BY x"
        let first = try db.cachedStatement(sql)
        let again = try db.cachedStatement(sql)
        let other = try db.cachedStatement("SELECT count(*) FROM n")
        XCTAssertTrue(first === again)
        XCTAssertFalse(first === other)
        XCTAssertFalse(first === (try db.prepare(sql)), "prepare always makes a new statement")
    }

    func testReusedStatementAfterPartialIterationGivesCorrectResults() throws {
        let sql = "SELECT x FROM n WHERE x >= ? ORDER BY x"
        let statement = try db.cachedStatement(sql)
        try statement.bind([2])
        XCTAssertTrue(try statement.step())
        XCTAssertEqual(statement.int64(at: 0), 2)
        // Abandoned mid-way; the cache must hand it back from the start.

        let reused = try db.cachedStatement(sql)
        try reused.bind([4])
        var values: [Int64] = []
        while try reused.step() { values.append(reused.int64(at: 0)) }
        XCTAssertEqual(values, [4, 5])

        XCTAssertEqual(try db.rows(sql, 3).compactMap { $0.int64(0) }, [3, 4, 5])
        XCTAssertEqual(try db.rows(sql, 1).compactMap { $0.int64(0) }, [1, 2, 3, 4, 5])
    }

    func testCachedStatementComesBackWithBindingsCleared() throws {
        let statement = try db.cachedStatement("SELECT ?")
        try statement.bind(["left over"])
        XCTAssertTrue(try statement.step())
        let reused = try db.cachedStatement("SELECT ?")
        XCTAssertTrue(try reused.step())
        XCTAssertTrue(reused.isNull(at: 0))
    }

    func testConvenienceMethodsLeaveNoStatementHoldingALock() throws {
        _ = try db.row("SELECT x FROM n ORDER BY x")  // one of five rows read, then reset
        _ = try db.rows("SELECT x FROM n")
        try db.run("INSERT INTO n VALUES (?)", 6)
        try db.checkpointTruncate()  // fails if a read transaction is still open
        let walSize = try FileManager.default.attributesOfItem(atPath: path("cache.db") + "-wal")[.size] as? Int
        XCTAssertEqual(walSize, 0)
    }

    func testWrongArgumentCountIsRefused() throws {
        let error = sqliteError { () throws(SQLiteError) in try db.run("INSERT INTO n VALUES (?)", 1, 2) }
        XCTAssertEqual(error?.code, SQLITE_RANGE)
        XCTAssertEqual(try db.row("SELECT count(*) FROM n")?.int64(0), 5)
    }

    func testPrepareAcceptsExactlyOneStatement() throws {
        XCTAssertNoThrow(try db.prepare("SELECT 1;  "))
        XCTAssertNoThrow(try db.prepare("SELECT 1; -- trailing comment"))
        XCTAssertNotNil(sqliteError { () throws(SQLiteError) in _ = try db.prepare("SELECT 1; SELECT 2") })
        XCTAssertNotNil(sqliteError { () throws(SQLiteError) in _ = try db.prepare("DELETE FROM n; DROP TABLE n") })
        XCTAssertNotNil(sqliteError { () throws(SQLiteError) in _ = try db.prepare("   ") })
        XCTAssertEqual(try db.row("SELECT count(*) FROM n")?.int64(0), 5, "the second statement never ran")
    }
}
