import Foundation
import XCTest
@testable import CofferStore

/// Opening a second connection must not drop the locks the first one holds: POSIX drops every
/// lock a process has on a file when any of its descriptors for that file is closed.
final class FileLockTests: SQLiteTestCase {
    /// Whether another process can take a write lock on SQLite's shared-lock byte range of
    /// `path` (true: nobody holds a lock there).
    private func lockRangeIsFree(_ path: String) throws -> Bool {
        let probe = """
            import fcntl, os, struct, sys
            fd = os.open(sys.argv[1], os.O_RDWR)
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 510, 0x40000002, os.SEEK_SET)
                print("free")
            except OSError:
                print("locked")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", probe, path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.contains("free")
    }

    func testOpeningAnotherConnectionKeepsTheFirstConnectionsLocks() throws {
        let file = path("locks.db")
        let first = try Database(path: file)
        try first.execute("CREATE TABLE t (x)")
        try first.execute("BEGIN")
        _ = try first.rows("SELECT count(*) FROM t")
        XCTAssertFalse(try lockRangeIsFree(file), "control: an open read transaction holds a shared lock")

        do {
            let second = try Database(path: file)
            _ = try second.rows("SELECT count(*) FROM t")
        }
        XCTAssertFalse(try lockRangeIsFree(file), "the first connection's lock survives another connection's open and close")
        try first.execute("COMMIT")
    }
}
