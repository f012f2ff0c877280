import XCTest
import Foundation
@testable import CofferServer

/// Issue 12: the protocol 2 keys `limits.handshakeTimeoutSeconds`, `limits.maxConnectionsPerAddress`
/// and `limits.maxFailedAuthPerAddressPerMinute`, and the extra key `audit.sourceAddressRetentionDays`.
final class AddressLimitConfigurationTests: XCTestCase {
    private func parse(_ json: String) throws -> ServerConfiguration {
        try ServerConfiguration.parse(Data(json.utf8), baseDirectory: "/srv/coffer/Config")
    }

    func testTheDefaultsAreTheContracts() throws {
        let configuration = try parse("{}")
        XCTAssertEqual(configuration.handshakeTimeoutSeconds, 10)
        XCTAssertEqual(configuration.maxConnectionsPerAddress, 64)
        XCTAssertEqual(configuration.maxFailedAuthPerAddressPerMinute, 60)
        XCTAssertEqual(configuration.sourceAddressRetentionDays, 7)
    }

    func testTheKeysAreReadAndZeroTurnsAPerAddressLimitOff() throws {
        let configuration = try parse("""
            { "limits": { "handshakeTimeoutSeconds": 2.5, "maxConnectionsPerAddress": 0, "maxFailedAuthPerAddressPerMinute": 0 },
              "audit": { "sourceAddressRetentionDays": 0 } }
            """)
        XCTAssertEqual(configuration.handshakeTimeoutSeconds, 2.5)
        XCTAssertEqual(configuration.maxConnectionsPerAddress, 0)
        XCTAssertEqual(configuration.maxFailedAuthPerAddressPerMinute, 0)
        XCTAssertEqual(configuration.sourceAddressRetentionDays, 0)
        let other = try parse(#"{"limits": {"maxConnectionsPerAddress": 8, "maxFailedAuthPerAddressPerMinute": 5}}"#)
        XCTAssertEqual(other.maxConnectionsPerAddress, 8)
        XCTAssertEqual(other.maxFailedAuthPerAddressPerMinute, 5)
    }

    func testBadValuesAreRefusedNamingTheKey() {
        let refused: [(String, String)] = [
            (#"{"limits": {"handshakeTimeoutSeconds": 0}}"#, "limits.handshakeTimeoutSeconds"),
            (#"{"limits": {"handshakeTimeoutSeconds": -1}}"#, "limits.handshakeTimeoutSeconds"),
            (#"{"limits": {"handshakeTimeoutSeconds": "10"}}"#, "limits.handshakeTimeoutSeconds"),
            (#"{"limits": {"maxConnectionsPerAddress": -1}}"#, "limits.maxConnectionsPerAddress"),
            (#"{"limits": {"maxConnectionsPerAddress": 1.5}}"#, "limits.maxConnectionsPerAddress"),
            (#"{"limits": {"maxConnectionsPerAddress": true}}"#, "limits.maxConnectionsPerAddress"),
            (#"{"limits": {"maxFailedAuthPerAddressPerMinute": -1}}"#, "limits.maxFailedAuthPerAddressPerMinute"),
            (#"{"limits": {"maxFailedAuthPerAddressPerMinute": null}}"#, "limits.maxFailedAuthPerAddressPerMinute"),
            (#"{"audit": {"sourceAddressRetentionDays": 367}}"#, "audit.sourceAddressRetentionDays"),
            (#"{"limits": {"maxFailedAuthPerAddress": 5}}"#, "limits.maxFailedAuthPerAddress"),
        ]
        for (json, key) in refused {
            XCTAssertThrowsError(try parse(json), json) { error in
                XCTAssertTrue(String(describing: error).contains(key), "\(error) should name \(key)")
            }
        }
    }
}
