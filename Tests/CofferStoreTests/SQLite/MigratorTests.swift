import Foundation
import XCTest
@testable import CofferStore

final class MigratorTests: SQLiteTestCase {
    // Deliberately not idempotent SQL: running a migration twice would fail or duplicate a row.
    private let first = Migration(version: 1, sql: "CREATE TABLE a (x); INSERT INTO a VALUES ('seed');")
    private let second = Migration(version: 2, sql: "CREATE TABLE b (y); ALTER TABLE a ADD COLUMN z;")
    private let third = Migration(version: 3, sql: "INSERT INTO b VALUES ('three');")

    private func tableNames(_ db: Database) throws -> [String] {
        try db.rows("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").compactMap { $0.text(0) }
    }

    func testMigrationsApplyInVersionOrderAndRecordUserVersion() throws {
        let db = try Database(path: path("m.db"))
        try Migrator.migrate(db, [second, first])  // given out of order on purpose
        XCTAssertEqual(try Migrator.userVersion(of: db), 2)
        XCTAssertEqual(try db.row("PRAGMA user_version")?.int64(0), 2)
        XCTAssertEqual(try tableNames(db), ["a", "b"])
        XCTAssertEqual(try db.rows("SELECT z FROM a").count, 1)
    }

    func testMigratingAgainOnReopenChangesNothing() throws {
        do {
            let db = try Database(path: path("m.db"))
            try Migrator.migrate(db, [first, second])
        }
        let reopened = try Database(path: path("m.db"))
        try Migrator.migrate(reopened, [first, second])
        XCTAssertEqual(try Migrator.userVersion(of: reopened), 2)
        XCTAssertEqual(try reopened.row("SELECT count(*) FROM a")?.int64(0), 1)
    }

    func testOnlyNewMigrationsRunOnAnOlderFile() throws {
        do {
            let db = try Database(path: path("m.db"))
            try Migrator.migrate(db, [first, second])
        }
        let reopened = try Database(path: path("m.db"))
        try Migrator.migrate(reopened, [first, second, third])
        XCTAssertEqual(try Migrator.userVersion(of: reopened), 3)
        XCTAssertEqual(try reopened.row("SELECT count(*) FROM a")?.int64(0), 1)
        XCTAssertEqual(try reopened.rows("SELECT y FROM b").compactMap { $0.text(0) }, ["three"])
    }

    /// A missing version (taken by a change not merged yet) is no error: what exists is applied
    /// in order, and the file records the newest.
    func testAGapInTheVersionsIsToleratedAndTheRestAppliesInOrder() throws {
        let fifth = Migration(version: 5, sql: "INSERT INTO b VALUES ('five');")
        do {
            let db = try Database(path: path("m.db"))
            try Migrator.migrate(db, [first, second])
        }
        let reopened = try Database(path: path("m.db"))
        try Migrator.migrate(reopened, [fifth, third, first, second])
        XCTAssertEqual(try Migrator.userVersion(of: reopened), 5)
        XCTAssertEqual(try reopened.rows("SELECT y FROM b ORDER BY rowid").compactMap { $0.text(0) }, ["three", "five"])
        let fresh = try Database(path: path("fresh.db"))
        try Migrator.migrate(fresh, [first, second, fifth])
        XCTAssertEqual(try Migrator.userVersion(of: fresh), 5)
        XCTAssertEqual(try fresh.rows("SELECT y FROM b").compactMap { $0.text(0) }, ["five"])
    }

    func testNewerSchemaThanKnownIsRefusedAndLeftUntouched() throws {
        let db = try Database(path: path("m.db"))
        try db.execute("PRAGMA user_version = 7")
        let error = sqliteError { () throws(SQLiteError) in try Migrator.migrate(db, [first, second]) }
        XCTAssertNotNil(error)
        XCTAssertTrue(error?.description.contains("newer") ?? false, error?.description ?? "")
        XCTAssertEqual(try Migrator.userVersion(of: db), 7)
        XCTAssertEqual(try tableNames(db), [])
    }

    func testFailingMigrationRollsBackItselfButKeepsEarlierOnes() throws {
        let db = try Database(path: path("m.db"))
        let broken = Migration(version: 2, sql: "CREATE TABLE b (y); INSERT INTO no_such_table VALUES (1);")
        let error = sqliteError { () throws(SQLiteError) in try Migrator.migrate(db, [first, broken]) }
        XCTAssertNotNil(error)
        XCTAssertEqual(try Migrator.userVersion(of: db), 1)
        XCTAssertEqual(try tableNames(db), ["a"])
        XCTAssertFalse(db.isInTransaction)
    }

    func testDuplicateOrNonPositiveVersionsAreRejectedBeforeAnythingRuns() throws {
        let db = try Database(path: path("m.db"))
        let duplicate = Migration(version: 1, sql: "CREATE TABLE c (x);")
        XCTAssertNotNil(sqliteError { () throws(SQLiteError) in try Migrator.migrate(db, [first, duplicate]) })
        let zero = Migration(version: 0, sql: "CREATE TABLE c (x);")
        XCTAssertNotNil(sqliteError { () throws(SQLiteError) in try Migrator.migrate(db, [zero, first]) })
        XCTAssertEqual(try tableNames(db), [])
        XCTAssertEqual(try Migrator.userVersion(of: db), 0)
    }
}
