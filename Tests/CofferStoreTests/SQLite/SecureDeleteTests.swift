import Foundation
import XCTest
@testable import CofferStore

/// Deleted bytes must leave the live files: the database, its WAL and its shared-memory index.
final class SecureDeleteTests: SQLiteTestCase {
    private func files(of database: String) -> [String] {
        [database, database + "-wal", database + "-shm"]
    }

    private func anyFile(of database: String, contains marker: [UInt8]) -> Bool {
        files(of: database).contains { file($0, contains: marker) }
    }

    /// Creates a table with filler rows around one row holding `marker`.
    private func insertMarker(_ marker: [UInt8], into db: Database) throws {
        try db.execute("CREATE TABLE keys (id INTEGER PRIMARY KEY, wrapped BLOB NOT NULL)")
        try db.execute("CREATE INDEX keys_by_wrapped ON keys (wrapped)")
        for _ in 0..<20 { try db.run("INSERT INTO keys (wrapped) VALUES (?)", randomMarker()) }
        try db.run("INSERT INTO keys (id, wrapped) VALUES (?, ?)", 1000, marker)
        for _ in 0..<20 { try db.run("INSERT INTO keys (wrapped) VALUES (?)", randomMarker()) }
    }

    func testDeletedBlobIsGoneFromEveryFileAfterCheckpoint() throws {
        let database = path("shred.db")
        let db = try Database(path: database)
        let marker = randomMarker()
        try insertMarker(marker, into: db)
        // Control: the scan does find the bytes while they are live.
        XCTAssertTrue(anyFile(of: database, contains: marker), "the marker should be on disk before the delete")

        try db.run("DELETE FROM keys WHERE id = ?", 1000)
        XCTAssertEqual(db.changes, 1)
        try db.checkpointTruncate()

        for file in files(of: database) {
            XCTAssertFalse(self.file(file, contains: marker), "deleted bytes remain in \((file as NSString).lastPathComponent)")
        }
        XCTAssertEqual(try db.rows("SELECT id FROM keys").count, 40)
        XCTAssertEqual(try db.integrityCheck(), ["ok"])
    }

    func testWithoutSecureDeleteTheSameScanFindsTheBytes() throws {
        // Shows that the scan above can fail: without secure_delete, SQLite keeps deleted cells
        // on the page, and the checkpoint copies them into the database file.
        let database = path("control.db")
        let db = try Database(path: database)
        try db.execute("PRAGMA secure_delete = OFF")
        let marker = randomMarker()
        try insertMarker(marker, into: db)
        try db.run("DELETE FROM keys WHERE id = ?", 1000)
        try db.checkpointTruncate()
        XCTAssertTrue(anyFile(of: database, contains: marker))
    }

    func testCheckpointTruncateEmptiesTheWAL() throws {
        let database = path("wal.db")
        let db = try Database(path: database)
        try insertMarker(randomMarker(), into: db)
        let before = try FileManager.default.attributesOfItem(atPath: database + "-wal")[.size] as? Int
        XCTAssertGreaterThan(before ?? 0, 0)
        try db.checkpointTruncate()
        let after = try FileManager.default.attributesOfItem(atPath: database + "-wal")[.size] as? Int
        XCTAssertEqual(after, 0)
    }

    func testCheckpointReportsBusyWhileAnotherConnectionReads() throws {
        let database = path("busy.db")
        let writer = try Database(path: database)
        writer.setBusyTimeout(milliseconds: 50)
        try writer.execute("CREATE TABLE t (x)")
        try writer.run("INSERT INTO t VALUES (?)", 1)

        let reader = try Database(path: database, mode: .readOnly)
        try reader.execute("BEGIN")
        XCTAssertEqual(try reader.row("SELECT count(*) FROM t")?.int64(0), 1)  // holds a read snapshot
        try writer.run("INSERT INTO t VALUES (?)", 2)

        let error = sqliteError { () throws(SQLiteError) in try writer.checkpointTruncate() }
        XCTAssertEqual(error?.isBusy, true, error?.description ?? "")

        try reader.execute("COMMIT")
        XCTAssertNoThrow(try writer.checkpointTruncate())
    }
}
