import Foundation
import XCTest

/// `coffer bench net` as a command: `--start-server` runs the whole benchmark inside the
/// `coffer` process, and `--json` is what Benchmarks/compare-peers.sh reads.
final class NetworkBenchmarkCommandTests: XCTestCase {
    func testStartServerRunPrintsAJSONReportWithEveryRequestAnswered() throws {
        let result = try E2EExecutable.run(["bench", "net", "--start-server", "--clients", "2", "--pipeline", "3",
                                            "--requests", "60", "--subjects", "10", "--mix", "set=1,get=2,export=1", "--json"],
                                           timeout: 120)
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let all = try XCTUnwrap(report["all"] as? [String: Any])
        XCTAssertEqual(all["sent"] as? Int, 60)
        XCTAssertEqual(all["ok"] as? Int, 60)
        XCTAssertEqual(all["errors"] as? Int, 0)
        XCTAssertEqual(all["unsupported"] as? Int, 0)
        let p50 = try XCTUnwrap(all["p50Ms"] as? Double)
        let p99 = try XCTUnwrap(all["p99Ms"] as? Double)
        let p999 = try XCTUnwrap(all["p999Ms"] as? Double)
        XCTAssertLessThanOrEqual(p50, p99)
        XCTAssertLessThanOrEqual(p99, p999)
        XCTAssertEqual(report["tenantShredded"] as? Bool, true)
        let load = try XCTUnwrap(report["load"] as? [String: Any])
        XCTAssertEqual(load["ok"] as? Int, 10)
        let operations = try XCTUnwrap(report["operations"] as? [String: Any])
        XCTAssertEqual(Set(operations.keys), ["set", "get", "export"])
    }

    func testAMixNamingAnUnknownOperationIsAUsageError() throws {
        let result = try E2EExecutable.run(["bench", "net", "--start-server", "--mix", "set=1,scan=2"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--mix"), result.stderr)
    }

    func testWithoutAServerOrATokenFileItRefusesToStart() throws {
        let result = try E2EExecutable.run(["bench", "net", "--requests", "10"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--token-file"), result.stderr)
    }

    func testHelpDescribesTheNetworkBenchmarkOptions() throws {
        let result = try E2EExecutable.run(["bench", "net", "--help"])
        XCTAssertEqual(result.status, 0)
        for option in ["--clients", "--pipeline", "--requests", "--subjects", "--mix", "--fields-per-set", "--start-server", "--keep"] {
            XCTAssertTrue(result.stdout.contains(option), "help should mention \(option)")
        }
    }
}
