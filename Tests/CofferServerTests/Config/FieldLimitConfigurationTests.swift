import XCTest
import Foundation
@testable import CofferServer

/// `limits.maxFieldsPerSubject` (CONTRACT.md §8): default 1000, a positive integer.
final class FieldLimitConfigurationTests: XCTestCase {
    private func parse(_ json: String) throws -> ServerConfiguration {
        try ServerConfiguration.parse(Data(json.utf8), baseDirectory: "/srv/coffer/Config")
    }

    func testTheDefaultIsOneThousandAndTheKeyIsApplied() throws {
        XCTAssertEqual(try parse("{}").maxFieldsPerSubject, 1000)
        XCTAssertEqual(try parse(#"{"limits":{"maxFieldsPerSubject":5}}"#).maxFieldsPerSubject, 5)
        XCTAssertEqual(try parse(#"{"limits":{"maxFieldsPerSubject":1}}"#).maxFieldsPerSubject, 1)
    }

    func testABadValueIsRefusedByItsFullKey() {
        for value in ["0", "-1", "1.5", #""5""#, "true", "null", "[]", "100001"] {
            XCTAssertThrowsError(try parse(#"{"limits":{"maxFieldsPerSubject":\#(value)}}"#), value) { error in
                XCTAssertTrue(String(describing: error).contains("limits.maxFieldsPerSubject"), "\(error)")
            }
        }
    }
}
