import CSQLite
import Foundation
import XCTest
@testable import CofferStore

final class SQLiteErrorTests: SQLiteTestCase {
    private var db: Database!
    /// A unique value that must never show up in error text.
    private var marker = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        marker = "MARKER-\(UUID().uuidString)"
        db = try Database(path: path("errors.db"))
        try db.execute("""
            CREATE TABLE people (
                email TEXT UNIQUE,
                phone TEXT NOT NULL,
                code TEXT CHECK (length(code) < 5),
                secret BLOB UNIQUE
            );
            """)
    }

    override func tearDownWithError() throws {
        db = nil
        try super.tearDownWithError()
    }

    private func assertMarkerAbsent(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(text.contains(marker), "error text contains a bound value", file: file, line: line)
    }

    func testUniqueViolationTextNamesTheConstraintButNotTheValue() throws {
        try db.run("INSERT INTO people (email, phone) VALUES (?, ?)", marker, "1")
        let error = try XCTUnwrap(sqliteError { () throws(SQLiteError) in
            try db.run("INSERT INTO people (email, phone) VALUES (?, ?)", marker, "2")
        })
        XCTAssertTrue(error.isConstraintViolation)
        XCTAssertEqual(error.code, SQLITE_CONSTRAINT)
        XCTAssertEqual(error.extendedCode, SQLITE_CONSTRAINT | (8 << 8))
        XCTAssertTrue(
            error.description.hasPrefix("SQLite error 19 (SQLITE_CONSTRAINT_UNIQUE): UNIQUE constraint failed: people.email"),
            error.description)
        XCTAssertEqual(error.sql, "INSERT INTO people (email, phone) VALUES (?, ?)")
        XCTAssertTrue(error.description.contains("VALUES (?, ?)"))
        assertMarkerAbsent(error.description)
        assertMarkerAbsent(error.message)
        assertMarkerAbsent(String(reflecting: error))
    }

    func testBlobUniqueViolationDoesNotDiscloseTheBytes() throws {
        let secret = Array(marker.utf8)
        try db.run("INSERT INTO people (phone, secret) VALUES (?, ?)", "1", secret)
        let error = try XCTUnwrap(sqliteError { () throws(SQLiteError) in
            try db.run("INSERT INTO people (phone, secret) VALUES (?, ?)", "2", secret)
        })
        XCTAssertTrue(error.isConstraintViolation)
        assertMarkerAbsent(error.description)
    }

    func testNotNullAndCheckViolationsDoNotDiscloseValues() throws {
        let notNull = try XCTUnwrap(sqliteError { () throws(SQLiteError) in
            try db.run("INSERT INTO people (email, phone) VALUES (?, ?)", marker, nil)
        })
        XCTAssertTrue(notNull.description.contains("SQLITE_CONSTRAINT_NOTNULL"), notNull.description)
        assertMarkerAbsent(notNull.description)

        let check = try XCTUnwrap(sqliteError { () throws(SQLiteError) in
            try db.run("INSERT INTO people (phone, code) VALUES (?, ?)", "1", marker)
        })
        XCTAssertTrue(check.description.contains("SQLITE_CONSTRAINT_CHECK"), check.description)
        assertMarkerAbsent(check.description)
    }

    func testArgumentCountErrorDoesNotDiscloseValues() throws {
        let error = try XCTUnwrap(sqliteError { () throws(SQLiteError) in
            try db.run("INSERT INTO people (phone) VALUES (?)", marker, marker)
        })
        XCTAssertEqual(error.code, SQLITE_RANGE)
        assertMarkerAbsent(error.description)
    }

    func testTransactionErrorTextDoesNotDiscloseValues() throws {
        try db.run("INSERT INTO people (email, phone) VALUES (?, ?)", marker, "1")
        do {
            try db.transaction { () throws(SQLiteError) in
                try db.run("INSERT INTO people (email, phone) VALUES (?, ?)", marker, "2")
            }
            XCTFail("expected a constraint violation")
        } catch {
            XCTAssertTrue(error.flattened.isConstraintViolation)
            assertMarkerAbsent(error.description)
            assertMarkerAbsent(String(reflecting: error))
        }
    }

    func testValuesAndRowsDescribeThemselvesWithoutContent() throws {
        let values: [SQLiteValue] = [.text(marker), .blob(Array(marker.utf8)), .integer(4_242_424_242)]
        let row = Row(values: values)
        for text in values.map(\.description) + [row.description, String(reflecting: row), "\(values)"] {
            assertMarkerAbsent(text)
            XCTAssertFalse(text.contains("4242424242"), text)
        }
        XCTAssertEqual(SQLiteValue.text("abc").description, "TEXT(3 bytes, redacted)")
    }

    func testSyntaxErrorCarriesTheStatementAndAPrimaryCodeName() throws {
        let error = try XCTUnwrap(sqliteError { () throws(SQLiteError) in try db.execute("SELEC 1") })
        XCTAssertEqual(error.code, SQLITE_ERROR)
        XCTAssertTrue(error.description.hasPrefix("SQLite error 1 (SQLITE_ERROR): "), error.description)
        XCTAssertEqual(error.sql, "SELEC 1")
    }

    func testErrorClassificationHelpers() {
        XCTAssertTrue(SQLiteError(extendedCode: SQLITE_FULL, message: "").isFull)
        XCTAssertTrue(SQLiteError(extendedCode: SQLITE_BUSY | (3 << 8), message: "").isBusy)
        XCTAssertTrue(SQLiteError(extendedCode: SQLITE_IOERR | (4 << 8), message: "").isIOError)
        XCTAssertTrue(SQLiteError(extendedCode: SQLITE_NOTADB, message: "").isCorrupt)
        let fsync = SQLiteError(extendedCode: SQLITE_IOERR | (4 << 8), message: "disk I/O error")
        XCTAssertEqual(fsync.code, SQLITE_IOERR)
        XCTAssertEqual(fsync.description, "SQLite error 10 (SQLITE_IOERR_FSYNC): disk I/O error")
        XCTAssertFalse(fsync.isBusy)
        XCTAssertFalse(fsync.isConstraintViolation)
    }
}
