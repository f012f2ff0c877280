import Foundation
import XCTest
@testable import CofferStore

final class TransactionTests: SQLiteTestCase {
    private struct JobFailed: Error, Equatable {}

    private var db: Database!

    override func setUpWithError() throws {
        try super.setUpWithError()
        db = try Database(path: path("tx.db"))
        try db.execute("CREATE TABLE t (x TEXT PRIMARY KEY)")
    }

    override func tearDownWithError() throws {
        db = nil
        try super.tearDownWithError()
    }

    private func storedValues(in database: Database? = nil) throws -> [String] {
        try (database ?? db).rows("SELECT x FROM t ORDER BY x").compactMap { $0.text(0) }
    }

    func testCommittedTransactionIsVisibleToAnotherConnection() throws {
        let result = try db.transaction { () throws(SQLiteError) -> Int in
            try db.run("INSERT INTO t VALUES (?)", "a")
            try db.run("INSERT INTO t VALUES (?)", "b")
            return 2
        }
        XCTAssertEqual(result, 2)
        XCTAssertFalse(db.isInTransaction)
        let other = try Database(path: path("tx.db"), mode: .readOnly)
        XCTAssertEqual(try storedValues(in: other), ["a", "b"])
    }

    func testBodyErrorRollsBackAndIsRethrownAsBody() throws {
        try db.run("INSERT INTO t VALUES (?)", "before")
        do {
            try db.transaction { () throws(JobFailed) in
                try? db.run("INSERT INTO t VALUES (?)", "inside")
                XCTAssertTrue(db.isInTransaction)
                throw JobFailed()
            }
            XCTFail("the transaction should have thrown")
        } catch {
            guard case .body(let bodyError) = error else { return XCTFail("expected .body, got \(error)") }
            XCTAssertEqual(bodyError, JobFailed())
        }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try storedValues(), ["before"])
    }

    func testFailedCommitRollsBackAndIsReportedAsSQLite() throws {
        try db.execute("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
            """)
        do {
            // The deferred foreign key is only checked, and fails, at COMMIT.
            try db.transaction { () throws(SQLiteError) in
                try db.run("INSERT INTO t VALUES (?)", "doomed")
                try db.run("INSERT INTO child VALUES (?)", 99)
            }
            XCTFail("COMMIT should have failed")
        } catch {
            guard case .sqlite(let sqliteError) = error else { return XCTFail("expected .sqlite, got \(error)") }
            XCTAssertTrue(sqliteError.isConstraintViolation)
        }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try storedValues(), [])
        XCTAssertEqual(try db.row("SELECT count(*) FROM child")?.int64(0), 0)
    }

    func testTransactionsDoNotNest() throws {
        do {
            try db.transaction { () throws(TransactionError<Never>) in
                try db.transaction { () -> Void in }
            }
            XCTFail("a nested BEGIN should fail")
        } catch {
            guard case .body(.sqlite) = error else { return XCTFail("expected the inner BEGIN to fail, got \(error)") }
        }
        XCTAssertFalse(db.isInTransaction)
    }

    func testSQLiteErrorInsideBodyRollsBackEverything() throws {
        try db.run("INSERT INTO t VALUES (?)", "taken")
        let error: TransactionError<SQLiteError>
        do {
            try db.transaction { () throws(SQLiteError) in
                try db.run("INSERT INTO t VALUES (?)", "fresh")
                try db.run("INSERT INTO t VALUES (?)", "taken")
            }
            return XCTFail("the duplicate should have failed")
        } catch let caught {
            error = caught
        }
        XCTAssertEqual(error.flattened.isConstraintViolation, true)
        XCTAssertEqual(error.sqliteError?.isConstraintViolation, true)
        XCTAssertEqual(try storedValues(), ["taken"])
    }

    func testFailedSavepointUndoesOnlyItsOwnWork() throws {
        try db.transaction { () throws(SQLiteError) in
            try db.run("INSERT INTO t VALUES (?)", "a")
            XCTAssertThrowsError(try db.savepoint {
                try db.run("INSERT INTO t VALUES (?)", "b")
                throw JobFailed()
            }) { XCTAssertEqual($0 as? JobFailed, JobFailed()) }
            try db.run("INSERT INTO t VALUES (?)", "c")
        }
        XCTAssertEqual(try storedValues(), ["a", "c"])
    }

    func testGroupCommitKeepsTheJobsAroundAFailedOne() throws {
        try db.run("INSERT INTO t VALUES (?)", "existing")
        var outcomes: [Bool] = []
        try db.transaction { () throws(SQLiteError) in
            for job in [["j1"], ["j2", "existing"], ["j3"]] {
                do {
                    try db.savepoint {
                        for value in job { try db.run("INSERT INTO t VALUES (?)", value) }
                    }
                    outcomes.append(true)
                } catch {
                    outcomes.append(false)
                }
            }
        }
        XCTAssertEqual(outcomes, [true, false, true])
        XCTAssertEqual(try storedValues(), ["existing", "j1", "j3"])
    }

    func testNestedSavepointsRollBackIndependently() throws {
        try db.savepoint {
            try db.run("INSERT INTO t VALUES (?)", "outer-1")
            _ = try? db.savepoint {
                try db.run("INSERT INTO t VALUES (?)", "inner")
                throw JobFailed()
            }
            try db.run("INSERT INTO t VALUES (?)", "outer-2")
        }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try storedValues(), ["outer-1", "outer-2"])
    }

    func testSuccessfulSavepointReturnsItsValueAndKeepsItsWork() throws {
        let value = try db.transaction { () throws(any Error) -> String in
            try db.savepoint { () throws -> String in
                try db.run("INSERT INTO t VALUES (?)", "kept")
                return "done"
            }
        }
        XCTAssertEqual(value, "done")
        XCTAssertEqual(try storedValues(), ["kept"])
    }
}
