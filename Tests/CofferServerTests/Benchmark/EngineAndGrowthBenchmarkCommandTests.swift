import Foundation
import XCTest

/// `coffer bench engine` and `coffer bench growth` (issue 6, items 1 and 4) run end to end on
/// tiny data sets: every row they promise is printed with a measured number, and the run exits 0.
/// The figures themselves are recorded in docs/BENCHMARKS.md, never asserted here.
final class EngineAndGrowthBenchmarkCommandTests: XCTestCase {
    /// The number cells of the output line starting with `label`.
    private func numbers(in output: String, row label: String, file: StaticString = #filePath, line: UInt = #line) -> [Double] {
        guard let row = output.split(separator: "\n").first(where: { $0.hasPrefix(label) }) else {
            XCTFail("no row \"\(label)\" in:\n\(output)", file: file, line: line)
            return []
        }
        return row.dropFirst(label.count).split(separator: " ").compactMap { Double($0) }
    }

    func testBenchEnginePrintsEveryRowWithPositiveRates() throws {
        let directory = NSTemporaryDirectory() + "coffer-bench-engine-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try E2EExecutable.run(["bench", "engine", "--dir", directory, "--fields", "2000", "--shred-sizes", "100,1000"],
                                           timeout: 180)
        XCTAssertEqual(result.status, 0, result.stderr)
        for label in ["SET 1 field (1 txn + fsync)", "SET 10 fields (per field)", "GET (random subject)",
                      "SET 1 field, 16 writer threads", "GET, 4 reader threads", "SET 1 field, 256 in flight",
                      "SET 1 field + audit record", "GET + queued audit record"] {
            let cells = numbers(in: result.stdout, row: label)
            XCTAssertEqual(cells.count, 3, label)
            XCTAssertTrue(cells.allSatisfy { $0 > 0 && $0.isFinite }, "\(label): \(cells)")
        }
        XCTAssertTrue(result.stdout.contains("group commit:"), result.stdout)
        for size in ["100", "1000"] {
            let cells = numbers(in: result.stdout, row: size + " ")
            XCTAssertEqual(cells.count, 2, "shred and purge times for \(size) fields")
        }
    }

    func testBenchGrowthPrintsOneRowPerSize() throws {
        let result = try E2EExecutable.run(["bench", "growth", "--sizes", "200,400"], timeout: 240)
        XCTAssertEqual(result.status, 0, result.stderr)
        for size in ["200", "400"] {
            let cells = numbers(in: result.stdout, row: size + " ")
            // GET p50, GET p99, SET/s, server MiB, KiB per idle connection
            XCTAssertEqual(cells.count, 5, "row for \(size) fields:\n\(result.stdout)")
            XCTAssertTrue(cells.prefix(3).allSatisfy { $0 > 0 }, "\(size): \(cells)")
            if cells.count == 5 { XCTAssertLessThanOrEqual(cells[0], cells[1], "p50 ≤ p99") }
        }
    }
}
