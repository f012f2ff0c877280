import Foundation
import XCTest
@testable import CofferStore

final class ValueRoundTripTests: SQLiteTestCase {
    private var db: Database!

    override func setUpWithError() throws {
        try super.setUpWithError()
        db = try Database(path: path("values.db"))
        // No declared type: the column keeps every value exactly as bound.
        try db.execute("CREATE TABLE v (id INTEGER PRIMARY KEY, x)")
    }

    override func tearDownWithError() throws {
        db = nil
        try super.tearDownWithError()
    }

    private func roundTrip(_ value: (any SQLiteBindable)?) throws -> (row: Row, type: String) {
        try db.run("DELETE FROM v")
        try db.run("INSERT INTO v (id, x) VALUES (1, ?)", value)
        let row = try XCTUnwrap(try db.row("SELECT x, typeof(x) FROM v WHERE id = 1"))
        return (row, try XCTUnwrap(row.text(1)))
    }

    func testEveryValueKindRoundTripsThroughRow() throws {
        let cases: [(SQLiteValue, String)] = [
            (.null, "null"),
            (.integer(0), "integer"),
            (.integer(Int64.min), "integer"),
            (.integer(Int64.max), "integer"),
            (.text("plain"), "text"),
            (.text("h\u{E9}llo \u{2603} \u{1F600}"), "text"),
            (.text("nul\u{0}inside"), "text"),
            (.text(""), "text"),
            (.blob([0, 1, 2, 0, 255]), "blob"),
            (.blob([]), "blob"),
        ]
        for (value, expectedType) in cases {
            let (row, type) = try roundTrip(value)
            XCTAssertEqual(row[0], value, "round trip of \(value)")
            XCTAssertEqual(type, expectedType, "storage class of \(value)")
        }
    }

    func testEmptyBlobReadsBackAsEmptyArrayNotNil() throws {
        let (row, type) = try roundTrip([UInt8]())
        XCTAssertEqual(type, "blob")
        XCTAssertEqual(row.blob(0), [])

        let statement = try db.prepare("SELECT x FROM v")
        XCTAssertTrue(try statement.step())
        XCTAssertFalse(statement.isNull(at: 0))
        XCTAssertEqual(statement.blob(at: 0), [])
    }

    func testEmptyTextReadsBackAsEmptyStringNotNil() throws {
        let (row, _) = try roundTrip("")
        XCTAssertEqual(row.text(0), "")
        let statement = try db.prepare("SELECT x FROM v")
        XCTAssertTrue(try statement.step())
        XCTAssertEqual(statement.text(at: 0), "")
    }

    func testNullReadsBackAsNilThroughEveryAccessor() throws {
        let (row, type) = try roundTrip(nil)
        XCTAssertEqual(type, "null")
        XCTAssertEqual(row[0], .null)
        XCTAssertNil(row.int64(0))
        XCTAssertNil(row.text(0))
        XCTAssertNil(row.blob(0))

        let statement = try db.prepare("SELECT x FROM v")
        XCTAssertTrue(try statement.step())
        XCTAssertTrue(statement.isNull(at: 0))
        XCTAssertNil(statement.text(at: 0))
        XCTAssertNil(statement.blob(at: 0))
    }

    func testSwiftTypesBindAsTheExpectedValues() throws {
        let optionalText: String? = "maybe"
        let missingText: String? = nil
        let cases: [((any SQLiteBindable)?, SQLiteValue)] = [
            (42, .integer(42)),
            (Int64(-7), .integer(-7)),
            (Int32(9), .integer(9)),
            (true, .integer(1)),
            (false, .integer(0)),
            ("text", .text("text")),
            ([UInt8]([9, 8]), .blob([9, 8])),
            (Data([7, 6]), .blob([7, 6])),
            (optionalText, .text("maybe")),
            (missingText, .null),
            (nil, .null),
            (SQLiteValue.blob([1]), .blob([1])),
        ]
        for (bindable, expected) in cases {
            XCTAssertEqual(try roundTrip(bindable).row[0], expected)
        }
    }

    func testStatementAccessorsReadTheCurrentRow() throws {
        try db.run("INSERT INTO v (id, x) VALUES (?, ?)", 1, "first")
        try db.run("INSERT INTO v (id, x) VALUES (?, ?)", 2, [UInt8]([0xAB]))
        let statement = try db.prepare("SELECT id, x FROM v ORDER BY id")
        XCTAssertEqual(statement.columnCount, 2)
        XCTAssertEqual(statement.columnName(at: 1), "x")
        XCTAssertTrue(try statement.step())
        XCTAssertEqual(statement.int64(at: 0), 1)
        XCTAssertEqual(statement.text(at: 1), "first")
        XCTAssertTrue(try statement.step())
        XCTAssertEqual(statement.int64(at: 0), 2)
        XCTAssertEqual(statement.blob(at: 1), [0xAB])
        XCTAssertFalse(try statement.step())
    }

    func testLargeBlobRoundTripsIntact() throws {
        let large = randomMarker(count: 100_000)
        XCTAssertEqual(try roundTrip(large).row.blob(0), large)
    }

    func testTypedRowAccessorsAreStrictAboutKinds() throws {
        let row = Row(values: [.integer(1), .text("1"), .blob([1])])
        XCTAssertEqual(row.count, 3)
        XCTAssertNil(row.text(0))
        XCTAssertNil(row.int64(1))
        XCTAssertNil(row.text(2))
        XCTAssertEqual(row.int64(0), 1)
    }
}
