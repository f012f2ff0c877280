import XCTest
@testable import CofferStore

/// Failed `AUTH`s in the service's trail: one record per source and minute, the address sealed
/// under an hourly key whose destruction erases it while the chain still verifies.
final class VaultFailedAuthTests: AuditTestCase {
    /// 2030-03-17T...:00Z, the start of a minute in the hour `minute / 3600`.
    private let minute: Int64 = 1_899_999_960

    func testEachCountIsOneRecordWithItsSourceSealedAndTheChainVerifies() throws {
        let vault = try openVault()
        vault.recordFailedAuthentications([FailedAuthenticationCount(source: "127.0.0.2", failures: 5, refused: 1),
                                           FailedAuthenticationCount(source: "2001:db8:1:2::/64", failures: 2),
                                           FailedAuthenticationCount(source: nil, failures: 9)], minute: minute)
        let records = try vault.failedAuthentications()
        XCTAssertEqual(records.count, 3)
        XCTAssertEqual(records.map(\.source), [nil, "2001:db8:1:2::/64", "127.0.0.2"], "newest first")
        XCTAssertEqual(records.map(\.failures), [9, 2, 5])
        XCTAssertEqual(records.map(\.refused), [0, 0, 1])
        XCTAssertTrue(records.allSatisfy { $0.minute == minute && !$0.sourceDestroyed })

        assertIntact(try verifyFiles(), records: 3)
        let raw = try rawDatabase("vault.db").rows("SELECT actor, action, result, tenant_id FROM audit ORDER BY seq")
        XCTAssertTrue(raw.allSatisfy { $0.text(0) == "anonymous" && $0.text(1) == "AUTH" && $0.text(2) == "AUTH_FAILED" && $0.int64(3) == nil })
        for file in allFiles() {
            let bytes = FileManager.default.contents(atPath: file) ?? Data()
            XCTAssertNil(bytes.range(of: Data("127.0.0.2".utf8)), "no source address in clear in \(file)")
        }
    }

    func testDestroyingAnHoursKeyErasesItsAddressesButKeepsTheCountsAndTheChain() throws {
        let vault = try openVault()
        vault.recordFailedAuthentications([FailedAuthenticationCount(source: "127.0.0.2", failures: 3)], minute: minute)
        vault.recordFailedAuthentications([FailedAuthenticationCount(source: "127.0.0.3", failures: 4)], minute: minute + 3600)
        let hour = minute / 3600

        XCTAssertEqual(try vault.destroySourceKeys(endingBy: (hour + 1) * 3600 - 1), 0, "an hour not yet over keeps its key")
        XCTAssertEqual(try vault.destroySourceKeys(endingBy: (hour + 1) * 3600), 1)
        let records = try vault.failedAuthentications()
        XCTAssertEqual(records.map(\.source), ["127.0.0.3", nil])
        XCTAssertEqual(records.map(\.sourceDestroyed), [false, true])
        XCTAssertEqual(records.map(\.failures), [4, 3], "the counts stay")
        XCTAssertEqual(try rawDatabase("keyring.db").rows("SELECT name FROM service_keys WHERE name LIKE 'source/%'").compactMap { $0.text(0) },
                       ["source/\(hour + 1)"])
        assertIntact(try verifyFiles(), records: 2)
    }

    func testSourceKeysAreRewrappedByAMasterRotationAndVerified() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        vault.recordFailedAuthentications([FailedAuthenticationCount(source: "127.0.0.2", failures: 1)], minute: minute)
        XCTAssertEqual(try vault.rotateMasterKey(), 2)
        XCTAssertEqual(try vault.failedAuthentications().first?.source, "127.0.0.2", "readable under the new master key")
        vault.close()
        let report = VaultVerifier.verify(dataDirectory: configuration.dataDirectory, masterKeyPath: configuration.masterKeyPath,
                                          options: VerificationOptions(sampleSize: 0))
        XCTAssertTrue(report.isHealthy, "\(report.problems)")
    }
}
