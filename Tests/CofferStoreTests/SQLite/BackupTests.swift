#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import XCTest
@testable import CofferStore

final class BackupTests: SQLiteTestCase {
    private func makeSource() throws -> Database {
        let db = try Database(path: path("source.db"))
        try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB)")
        try db.transaction { () throws(SQLiteError) in
            for id in 1...500 { try db.run("INSERT INTO t VALUES (?, ?)", id, randomMarker(count: 100)) }
        }
        return db
    }

    func testBackupIsAnOwnerOnlyCopyThatOpensWithAllTheData() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let source = try makeSource()
        try source.run("INSERT INTO t VALUES (?, ?)", 9999, [UInt8]([1, 2, 3]))  // still only in the WAL
        let destination = path("backup.db")

        try source.snapshot(to: destination)
        try Database.finishSnapshot(destination)

        XCTAssertEqual(try permissions(of: destination), 0o600)
        let copy = try Database(path: destination, mode: .readOnly)
        XCTAssertEqual(try copy.row("SELECT count(*) FROM t")?.int64(0), 501)
        XCTAssertEqual(try copy.row("SELECT data FROM t WHERE id = ?", 9999)?.blob(0), [1, 2, 3])
        XCTAssertEqual(try copy.integrityCheck(), ["ok"])
        XCTAssertEqual(
            try copy.rows("SELECT id, data FROM t ORDER BY id"),
            try source.rows("SELECT id, data FROM t ORDER BY id"))
    }

    func testBackupRefusesToOverwriteAnExistingFile() throws {
        let source = try makeSource()
        let destination = path("existing.db")
        XCTAssertTrue(FileManager.default.createFile(atPath: destination, contents: Data("keep me".utf8)))

        XCTAssertNotNil(sqliteError { () throws(SQLiteError) in try source.snapshot(to: destination) })
        XCTAssertEqual(FileManager.default.contents(atPath: destination), Data("keep me".utf8))
    }

    func testIntegrityCheckIsOkForAHealthyDatabase() throws {
        let db = try makeSource()
        XCTAssertEqual(try db.integrityCheck(), ["ok"])
    }

    func testIntegrityCheckNoticesADamagedFile() throws {
        let file = path("source.db")
        do {
            let db = try makeSource()
            try db.execute("CREATE INDEX t_data ON t (data)")
            try db.checkpointTruncate()
        }
        // Overwrite the middle of the file (B-tree pages, not the header) with garbage.
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: file))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size / 2)
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 4096))
        try handle.close()

        let db = try Database(path: file)
        do {
            let lines = try db.integrityCheck()
            XCTAssertNotEqual(lines, ["ok"])
        } catch {
            XCTAssertTrue(error.isCorrupt, error.description)
        }
    }
}
