#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSQLite
import Foundation
import XCTest
@testable import CofferStore

final class DatabaseOpeningTests: SQLiteTestCase {
    func testNewDatabaseFileIsCreatedOwnerOnlyDespitePermissiveUmask() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let file = path("new.db")
        let db = try Database(path: file)
        try db.execute("CREATE TABLE t (x)")
        try db.run("INSERT INTO t VALUES (?)", 1)

        XCTAssertEqual(try permissions(of: file), 0o600)
        XCTAssertTrue(FileManager.default.fileExists(atPath: file + "-wal"), "a write in WAL mode creates the -wal file")
        XCTAssertEqual(try permissions(of: file + "-wal"), 0o600)
        XCTAssertEqual(try permissions(of: file + "-shm"), 0o600)
    }

    func testExistingWorldReadableFileIsTightenedTo0600() throws {
        let file = path("loose.db")
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o644]))
        XCTAssertEqual(try permissions(of: file), 0o644)

        _ = try Database(path: file)

        XCTAssertEqual(try permissions(of: file), 0o600)
    }

    func testConnectionPragmasAreInEffect() throws {
        let db = try Database(path: path("pragmas.db"))
        XCTAssertEqual(try db.row("PRAGMA journal_mode")?.text(0), "wal")
        XCTAssertEqual(try db.row("PRAGMA synchronous")?.int64(0), 2)
        XCTAssertEqual(try db.row("PRAGMA secure_delete")?.int64(0), 1)
        XCTAssertEqual(try db.row("PRAGMA foreign_keys")?.int64(0), 1)
        XCTAssertEqual(try db.row("PRAGMA trusted_schema")?.int64(0), 0)
        XCTAssertEqual(try db.row("PRAGMA busy_timeout")?.int64(0), 5000)
    }

    /// Temporary tables and indices (a purge's savepoint journal, a sort) stay in memory: with
    /// SQLite's default they may spill pre-delete page images into an unencrypted temp file.
    func testEveryConnectionKeepsTemporaryDataInMemory() throws {
        let file = path("temp.db")
        let writer = try Database(path: file)
        try writer.execute("CREATE TABLE t (x)")
        for db in [writer, try Database(path: file, mode: .readOnly), try Database(path: ":memory:")] {
            XCTAssertEqual(try db.row("PRAGMA temp_store")?.int64(0), 2, "2 is MEMORY")
        }
    }

    func testForeignKeysAreEnforced() throws {
        let db = try Database(path: path("fk.db"))
        try db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p INTEGER REFERENCES parent(id))")
        let error = sqliteError { () throws(SQLiteError) in try db.run("INSERT INTO child VALUES (?)", 42) }
        XCTAssertEqual(error?.isConstraintViolation, true)
    }

    func testReadOnlyOpenOfMissingFileFailsAndCreatesNothing() throws {
        let file = path("missing.db")
        let error = sqliteError { () throws(SQLiteError) in _ = try Database(path: file, mode: .readOnly) }
        XCTAssertEqual(error?.code, SQLITE_CANTOPEN)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
    }

    func testReadOnlyConnectionReadsButCannotWrite() throws {
        let file = path("shared.db")
        let writer = try Database(path: file)
        try writer.execute("CREATE TABLE t (x)")
        try writer.run("INSERT INTO t VALUES (?)", "visible")

        let reader = try Database(path: file, mode: .readOnly)
        XCTAssertEqual(try reader.row("SELECT x FROM t")?.text(0), "visible")
        let error = sqliteError { () throws(SQLiteError) in try reader.run("INSERT INTO t VALUES (?)", "refused") }
        XCTAssertEqual(error?.code, SQLITE_READONLY)
    }

    func testOpeningAFileThatIsNotADatabaseFails() throws {
        let file = path("garbage.db")
        let garbage = Data(repeating: 0x5A, count: 8192)
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: garbage))
        let error = sqliteError { () throws(SQLiteError) in _ = try Database(path: file) }
        XCTAssertEqual(error?.isCorrupt, true, error?.description ?? "")
    }

    func testInMemoryDatabaseCreatesNoFile() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (x)")
        try db.run("INSERT INTO t VALUES (?)", 7)
        XCTAssertEqual(try db.row("SELECT x FROM t")?.int64(0), 7)
        XCTAssertFalse(FileManager.default.fileExists(atPath: ":memory:"))
    }

    func testChangesAndLastInsertRowIDReflectTheLastStatement() throws {
        let db = try Database(path: path("changes.db"))
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)")
        try db.run("INSERT INTO t (x) VALUES (?)", 10)
        try db.run("INSERT INTO t (x) VALUES (?)", 20)
        XCTAssertEqual(db.lastInsertRowID, 2)
        try db.run("UPDATE t SET x = x + 1")
        XCTAssertEqual(db.changes, 2)
        try db.run("DELETE FROM t WHERE x = ?", 999)
        XCTAssertEqual(db.changes, 0)
    }
}
