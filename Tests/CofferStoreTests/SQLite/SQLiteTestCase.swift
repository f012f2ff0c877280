import Foundation
import XCTest
@testable import CofferStore

/// Shared fixture for the SQLite layer tests: a fresh temporary directory per test and helpers
/// to inspect files on disk.
class SQLiteTestCase: XCTestCase {
    /// A directory that exists for the duration of one test.
    var directory: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("coffer-sqlite-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
        try super.tearDownWithError()
    }

    /// A path inside the test directory.
    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// The permission bits of the file at `path`.
    func permissions(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try XCTUnwrap(attributes[.posixPermissions] as? Int)
    }

    /// True if the raw bytes of the file at `path` contain `marker` (false if there is no file).
    func file(_ path: String, contains marker: [UInt8]) -> Bool {
        guard let contents = FileManager.default.contents(atPath: path) else { return false }
        return contents.range(of: Data(marker)) != nil
    }

    /// The error `body` throws, or nil (with a test failure) if it does not throw.
    func sqliteError(
        _ body: () throws(SQLiteError) -> Void, file: StaticString = #filePath, line: UInt = #line
    ) -> SQLiteError? {
        do {
            try body()
            XCTFail("expected a SQLiteError", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    /// Random bytes: a marker that cannot occur in a file by chance.
    func randomMarker(count: Int = 32) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255) }
    }
}
