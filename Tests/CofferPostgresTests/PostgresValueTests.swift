import XCTest
@testable import CofferPostgres

final class PostgresValueTests: XCTestCase {
    private func cell(_ type: PostgresType, _ bytes: [UInt8]?) -> PostgresCell {
        PostgresCell(column: PostgresColumn(name: "c", type: type, format: .binary), bytes: bytes)
    }

    func testIntegersDecodeWithTheirSign() throws {
        XCTAssertEqual(try cell(.int8, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]).int64(), -2)
        XCTAssertEqual(try cell(.int4, [0xFF, 0xFF, 0xFF, 0xFF]).int64(), -1)
        XCTAssertEqual(try cell(.int2, [0x80, 0x00]).int64(), -32768)
        XCTAssertEqual(try cell(.int4, [0x7F, 0xFF, 0xFF, 0xFF]).int64(), Int64(Int32.max))
        XCTAssertEqual(try cell(.oidType, [0xFF, 0xFF, 0xFF, 0xFF]).int64(), Int64(UInt32.max))
        XCTAssertThrowsError(try cell(.int8, [1, 2, 3]).int64())
        XCTAssertThrowsError(try cell(.text, [0x31]).int64())
    }

    func testRoundTripOfTheBindEncoding() throws {
        for value in [Int64.min, -1, 0, 1, 42, Int64.max] {
            XCTAssertEqual(try cell(.int8, PostgresValue.int8(value).encoded).int64(), value)
        }
        XCTAssertEqual(try cell(.int4, PostgresValue.int4(-5).encoded).int64(), -5)
        XCTAssertEqual(try cell(.bool, PostgresValue.bool(true).encoded).bool(), true)
        XCTAssertEqual(try cell(.text, PostgresValue.text("grüße").encoded).string(), "grüße")
        XCTAssertEqual(try cell(.bytea, PostgresValue.bytea([0, 1, 255]).encoded).bytea(), [0, 1, 255])
        XCTAssertNil(PostgresValue.null.encoded)
    }

    func testTypeMismatchesAndBadValuesAreDecodingErrors() {
        XCTAssertThrowsError(try cell(.int8, [0, 0, 0, 0, 0, 0, 0, 0]).bytea())
        XCTAssertThrowsError(try cell(.bytea, [0x41]).string())
        XCTAssertThrowsError(try cell(.text, [0xC3]).string())
        XCTAssertThrowsError(try cell(.bool, [2]).bool())
        XCTAssertNil(try cell(.bytea, nil).bytea())
        XCTAssertTrue(cell(.text, nil).isNull)
    }

    func testRowLookupByName() throws {
        let columns = [PostgresColumn(name: "id", type: .int8, format: .binary), PostgresColumn(name: "name", type: .text, format: .binary)]
        let row = PostgresRow(columns: columns, values: [[0, 0, 0, 0, 0, 0, 0, 9], Array("x".utf8)])
        XCTAssertEqual(try row.cell(named: "name").string(), "x")
        XCTAssertEqual(try row.cell(named: "id").int64(), 9)
        XCTAssertThrowsError(try row.cell(named: "missing"))
    }
}
