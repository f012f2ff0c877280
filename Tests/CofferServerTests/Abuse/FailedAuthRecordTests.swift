import CofferClient
import CofferStore
import Foundation
import XCTest

/// Issue 12: failed `AUTH`s are recorded counted per source address and minute, one record in
/// the service's trail per source once the minute is over, and no log line per failure; the
/// source addresses are erased after `audit.sourceAddressRetentionDays`.
final class FailedAuthRecordTests: E2ETestCase {
    private let minuteStart: Int64 = 1_899_999_960

    func testAMinuteOfFailuresIsOneRecordPerSourceWrittenWhenTheMinuteIsOver() throws {
        let clock = TestClock(start: Double(minuteStart + 10))
        let server = try startServer(clock: clock.serviceClock) { $0.maxFailedAuthPerAddressPerMinute = 4 }
        try failAuth(times: 5, from: "127.0.0.2", on: server)
        try failAuth(times: 2, from: "127.0.0.3", on: server)
        let vault = server.service.vault
        vault.waitForQueuedWrites()
        XCTAssertEqual(try vault.failedAuthentications(), [], "nothing is written while the minute lasts")
        XCTAssertEqual(try serviceTrailAuthRecords(server), 0, "no record per failure")

        clock.advance(by: 60)
        let records = try eventually { let records = try vault.failedAuthentications(); return records.count == 2 ? records : nil }
        XCTAssertEqual(Set(records.map { "\($0.source ?? "?") \($0.failures) \($0.refused)" }), ["127.0.0.2 5 1", "127.0.0.3 2 0"],
                       "one record per source with its count; the fifth failure of 127.0.0.2 was refused over the limit")
        XCTAssertTrue(records.allSatisfy { $0.minute == minuteStart })
        XCTAssertEqual(try serviceTrailAuthRecords(server), 2)
        XCTAssertNil(try vault.verifyAudit().problem)
    }

    func testStoppingTheServerRecordsTheMinuteInProgress() throws {
        let clock = TestClock(start: Double(minuteStart + 10))
        let server = try startServer(clock: clock.serviceClock)
        try failAuth(times: 3, from: "127.0.0.4", on: server)
        server.service.stop()
        let vault = try Vault(configuration: VaultConfiguration(dataDirectory: server.configuration.dataDirectory,
                                                                masterKeyPath: server.configuration.masterKeyPath))
        defer { vault.close() }
        XCTAssertEqual(try vault.failedAuthentications().map { "\($0.source ?? "?") \($0.failures)" }, ["127.0.0.4 3"])
    }

    func testSourceAddressesAreErasedAfterTheirRetentionWhileTheCountsStay() throws {
        let clock = TestClock(start: Double(minuteStart + 10))
        let server = try startServer(clock: clock.serviceClock) { $0.sourceAddressRetentionDays = 1 }
        try failAuth(times: 2, from: "127.0.0.5", on: server)
        clock.advance(by: 60)
        let vault = server.service.vault
        XCTAssertEqual(try eventually { try vault.failedAuthentications().first }.source, "127.0.0.5")

        clock.advance(by: 86_400 - 60)
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(try vault.failedAuthentications().first?.source, "127.0.0.5", "kept for the retention")

        clock.advance(by: 3600 + Double(60 * 10))   // the key's hour is over, and a sweep is due
        let erased = try eventually { try vault.failedAuthentications().first.flatMap { $0.sourceDestroyed ? $0 : nil } }
        XCTAssertNil(erased.source)
        XCTAssertEqual(erased.failures, 2, "the count stays")
        XCTAssertNil(try vault.verifyAudit().problem, "the chain still verifies")
    }

    func testZeroRetentionRecordsNoAddress() throws {
        let clock = TestClock(start: Double(minuteStart + 10))
        let server = try startServer(clock: clock.serviceClock) { $0.sourceAddressRetentionDays = 0 }
        try failAuth(times: 1, from: "127.0.0.2", on: server)
        try failAuth(times: 2, from: "127.0.0.3", on: server)
        clock.advance(by: 60)
        let record = try eventually { try server.service.vault.failedAuthentications().first }
        XCTAssertNil(record.source)
        XCTAssertFalse(record.sourceDestroyed, "no address was ever sealed")
        XCTAssertEqual(record.failures, 3, "both sources in one record")
    }

    /// The executable: failures write no log line each, and the one line per minute (written
    /// here when the server stops; two if a minute ends during the test) names no address.
    func testTheLogHasNoLinePerFailureAndNoAddress() throws {
        let installation = try E2EInstallation()
        let server = try installation.serve()
        for _ in 0..<2 {
            let client = E2EClient(try CofferConnection(configuration: ClientConfiguration(
                host: "127.0.0.1", port: server.port, trustedCertificatePath: installation.certificatePath, timeoutSeconds: 5,
                sourceAddress: "127.0.0.9")))
            for _ in 0..<3 { assertError(try client.auth("cft_not-a-real-token"), "AUTH_FAILED") }
        }
        try server.stop()
        let log = server.child.standardError
        let lines = log.split(separator: "\n").filter { $0.contains("AUTH") }
        XCTAssertTrue((1...2).contains(lines.count), "one line per minute, not one per failure: \(lines)")
        let counted = lines.compactMap { line in line.firstMatch(of: /: (\d+) from \d+ source/).flatMap { Int($0.1) } }
        XCTAssertEqual(counted.reduce(0, +), 6, "the lines count every failure: \(lines)")
        XCTAssertFalse(log.contains("127.0.0.9"), "the log names no client address")
    }

    // MARK: Helpers

    /// Failed-`AUTH` records in the service's trail, counted in the database itself.
    private func serviceTrailAuthRecords(_ server: E2EServer) throws -> Int64 {
        server.service.vault.waitForQueuedWrites()
        let database = try CofferStoreTestAccess.database(server.configuration.dataDirectory + "/vault.db")
        return try database.row("SELECT count(*) FROM audit WHERE tenant_id IS NULL AND action = 'AUTH'")?.int64(0) ?? -1
    }

    /// Polls `probe` for up to 5 s until it gives a value (the ticker writes within a second).
    private func eventually<T>(_ probe: () throws -> T?, file: StaticString = #filePath, line: UInt = #line) throws -> T {
        let deadline = Date(timeIntervalSinceNow: 5)
        while Date() < deadline {
            if let value = try probe() { return value }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw E2EFailure("nothing arrived within 5 s")
    }
}
