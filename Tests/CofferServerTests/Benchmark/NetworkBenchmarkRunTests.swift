import Foundation
import XCTest
import CofferClient
@testable import coffer

/// `coffer bench net`'s code path (tenant, load, pipelined clients, report, shred) against an
/// in-process server over TLS, with tiny numbers. Counts are checked, never timings.
final class NetworkBenchmarkRunTests: E2ETestCase {
    private func target(_ server: E2EServer) -> NetworkBenchmarkTarget {
        NetworkBenchmarkTarget(configuration: server.clientConfiguration(timeoutSeconds: 20),
                               operatorTokenPath: server.configuration.operatorTokenPath)
    }

    private func tinyOptions(mix: String) throws -> NetworkBenchmarkOptions {
        var options = NetworkBenchmarkOptions()
        options.clients = 3
        options.pipeline = 4
        options.requests = 250
        options.subjects = 40
        options.fieldsPerSet = 2
        options.mix = try NetworkBenchmarkMix.parse(mix)
        return options
    }

    func testEveryRequestedOperationSucceedsAndPercentilesAreOrdered() throws {
        let server = try startServer()
        let report = try NetworkBenchmark.measure(try tinyOptions(mix: "set=20,get=70,export=10"), target: target(server))

        XCTAssertEqual(report.load.tally.totalSucceeded, 40, "one SET per loaded subject")
        XCTAssertEqual(report.load.tally.totalFailed, 0)
        let tally = report.run.tally
        XCTAssertEqual(tally.totalSent, 250)
        XCTAssertEqual(tally.totalSucceeded, 250, "failures: \(tally.failureCodes)")
        XCTAssertEqual(tally.totalFailed, 0)
        XCTAssertEqual(tally.totalUnsupported, 0)
        XCTAssertEqual(tally.sent(.find), 0, "FIND has weight 0 in this mix")
        for operation in [NetworkBenchmarkOperation.set, .get, .export] {
            XCTAssertGreaterThan(tally.succeeded(operation), 0, "\(operation) is in the mix")
            XCTAssertEqual(tally.latencies(operation).total, UInt64(tally.succeeded(operation)))
        }
        XCTAssertTrue(report.isClean)

        let latencies = tally.allLatencies
        XCTAssertEqual(latencies.total, 250)
        let p50 = latencies.percentile(0.50), p99 = latencies.percentile(0.99), p999 = latencies.percentile(0.999)
        XCTAssertGreaterThan(p50, 0)
        XCTAssertLessThanOrEqual(p50, p99)
        XCTAssertLessThanOrEqual(p99, p999)
        XCTAssertLessThanOrEqual(p999, latencies.maximum)

        let all = try XCTUnwrap(report.rows.last)
        XCTAssertEqual(all.name, "all")
        XCTAssertEqual(all.succeeded, 250)
        XCTAssertGreaterThan(all.operationsPerSecond, 0)
    }

    func testTheBenchmarkTenantIsShreddedAtTheEnd() throws {
        let server = try startServer()
        let report = try NetworkBenchmark.measure(try tinyOptions(mix: "set=1,get=1"), target: target(server))
        XCTAssertTrue(report.tenantShredded)
        let op = try server.connectAsOperator()
        assertValue(try op.request("TENANT LIST"), [], "the bench tenant must be gone")
    }

    func testKeepLeavesTheLoadedTenantInPlace() throws {
        let server = try startServer()
        var options = try tinyOptions(mix: "get=1")
        options.keep = true
        let report = try NetworkBenchmark.measure(options, target: target(server))
        XCTAssertFalse(report.tenantShredded)
        let op = try server.connectAsOperator()
        assertValue(try op.request("TENANT LIST"), [["tenant": .string(report.tenant), "subjects": 40]])
    }

    func testFindIsAnsweredOrCountedAsUnsupportedButNeverAsAnError() throws {
        let server = try startServer()
        let report = try NetworkBenchmark.measure(try tinyOptions(mix: "find=1,get=1"), target: target(server))
        let tally = report.run.tally
        XCTAssertGreaterThan(tally.sent(.find), 0)
        XCTAssertEqual(tally.succeeded(.find) + tally.unsupported(.find), tally.sent(.find))
        XCTAssertEqual(tally.totalFailed, 0, "failures: \(tally.failureCodes)")
        XCTAssertEqual(tally.succeeded(.get), tally.sent(.get))
        // Unsupported replies are left out of the throughput.
        let all = try XCTUnwrap(report.rows.last)
        XCTAssertEqual(all.operationsPerSecond, report.run.rate(tally.totalSucceeded), accuracy: 1e-9)
        XCTAssertTrue(report.isClean)
    }

    func testARefusedOperatorTokenStopsTheRunWithoutShowingTheToken() throws {
        let server = try startServer()
        let path = server.directory + "/wrong.token"
        let wrongToken = "definitely-not-the-operator-token-0123456789"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(wrongToken.utf8), attributes: [.posixPermissions: 0o600]))
        let target = NetworkBenchmarkTarget(configuration: server.clientConfiguration(), operatorTokenPath: path)
        XCTAssertThrowsError(try NetworkBenchmark.measure(try tinyOptions(mix: "get=1"), target: target)) { error in
            guard let failure = error as? NetworkBenchmarkError, case .refused = failure else {
                return XCTFail("expected a refusal, got \(error)")
            }
            XCTAssertTrue(failure.description.contains("AUTH_FAILED"), failure.description)
            XCTAssertFalse(failure.description.contains(wrongToken))
        }
    }
}
