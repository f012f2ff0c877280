import XCTest
import Foundation
@testable import CofferServer

/// The extra config keys of protocol 2's token lifetimes and the server's own tenant-key rotation.
final class LifetimeConfigurationTests: XCTestCase {
    private func parse(_ json: String) throws -> ServerConfiguration {
        try ServerConfiguration.parse(Data(json.utf8), baseDirectory: "/etc/coffer")
    }

    private func assertRefused(_ json: String, mentioning key: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(json), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(key), "\(error)", file: file, line: line)
        }
    }

    func testEnrollmentTokensLiveAWeekUnlessConfigured() throws {
        XCTAssertEqual(try parse("{}").enrollmentTokenLifetimeHours, 168)
        XCTAssertEqual(try parse(#"{"enrollment": {"tokenLifetimeHours": 24}}"#).enrollmentTokenLifetimeHours, 24)
        assertRefused(#"{"enrollment": {"tokenLifetimeHours": 0}}"#, mentioning: "enrollment.tokenLifetimeHours")
        assertRefused(#"{"enrollment": {"tokenLifetimeHours": 9000}}"#, mentioning: "enrollment.tokenLifetimeHours")
        assertRefused(#"{"enrollment": {"lifetime": 1}}"#, mentioning: "enrollment.lifetime")
    }

    func testScheduledTenantKeyRotationIsOffUnlessConfigured() throws {
        XCTAssertEqual(try parse("{}").tenantKeyRotationDays, 0)
        XCTAssertEqual(try parse(#"{"rotation": {"tenantKeyDays": 7}}"#).tenantKeyRotationDays, 7)
        assertRefused(#"{"rotation": {"tenantKeyDays": -1}}"#, mentioning: "rotation.tenantKeyDays")
        assertRefused(#"{"rotation": {"tenantKeyDays": "7"}}"#, mentioning: "rotation.tenantKeyDays")
        assertRefused(#"{"rotation": {"masterDays": 7}}"#, mentioning: "rotation.masterDays")
    }
}
