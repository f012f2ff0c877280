import XCTest
@testable import coffer

/// The pieces of `coffer bench net` that need no server: mix, data set, reply classification.
final class NetworkBenchmarkWorkloadTests: XCTestCase {
    func testMixParsesWeightsAndLeavesUnnamedOperationsAtZero() throws {
        let mix = try NetworkBenchmarkMix.parse("set=20,GET=70,export=10")
        XCTAssertEqual(mix.weight(of: .set), 20)
        XCTAssertEqual(mix.weight(of: .get), 70)
        XCTAssertEqual(mix.weight(of: .export), 10)
        XCTAssertEqual(mix.weight(of: .find), 0)
        XCTAssertEqual(mix.description, "set=20,get=70,export=10,find=0")
    }

    func testTheDefaultMixIsTheOneOfIssue6() {
        XCTAssertEqual(NetworkBenchmarkOptions().mix.description, "set=20,get=70,export=5,find=5")
    }

    func testMixRefusesUnknownOperationsNegativeOrAllZeroWeightsAndRepeats() {
        for text in ["set=1,scan=2", "set=-1", "set=0,get=0", "set=1,set=2", "set", "", "get=x"] {
            XCTAssertThrowsError(try NetworkBenchmarkMix.parse(text), text)
        }
    }

    func testDrawsFollowTheWeights() throws {
        let mix = try NetworkBenchmarkMix.parse("set=1,get=3")
        var random = NetworkBenchmarkRandom(seed: 1)
        var counts: [NetworkBenchmarkOperation: Int] = [:]
        for _ in 0..<20_000 { counts[mix.draw(using: &random), default: 0] += 1 }
        XCTAssertNil(counts[.export])
        XCTAssertNil(counts[.find])
        XCTAssertEqual(Double(counts[.get] ?? 0) / 20_000, 0.75, accuracy: 0.02)
    }

    func testWorkIsSplitEvenlyAndIdleClientsAreLeftOut() {
        XCTAssertEqual(NetworkBenchmarkWorkload.split(10, over: 3), [0..<4, 4..<7, 7..<10])
        XCTAssertEqual(NetworkBenchmarkWorkload.split(2, over: 4), [0..<1, 1..<2])
    }

    func testValuesAreTwentyToOneHundredTwentyPrintableBytes() {
        let dataSet = NetworkBenchmarkDataSet(subjects: 1000, fieldsPerSet: 1)
        var random = NetworkBenchmarkRandom(seed: 3)
        var lengths = Set<Int>()
        for number in 0..<2000 {
            for field in NetworkBenchmarkDataSet.loadedFields + NetworkBenchmarkDataSet.extraFields {
                let value = dataSet.value(field: field, subject: number, seed: random.next())
                XCTAssertTrue(NetworkBenchmarkDataSet.valueLengths.contains(value.utf8.count), "\(value.utf8.count) bytes")
                XCTAssertTrue(value.utf8.allSatisfy { (0x20...0x7E).contains($0) && $0 != 0x22 && $0 != 0x5C })
                lengths.insert(value.utf8.count)
            }
        }
        XCTAssertTrue(lengths.contains(20) && lengths.contains(120), "both ends of the range occur")
    }

    func testFindLooksUpAValueTheLoadWrote() {
        let dataSet = NetworkBenchmarkDataSet(subjects: 1, fieldsPerSet: 1)
        var random = NetworkBenchmarkRandom(seed: 9)
        let find = dataSet.request(.find, using: &random)
        XCTAssertTrue(find.hasPrefix("FIND \"email\" \""), find)
        let value = String(find.dropFirst("FIND \"email\" ".count))
        XCTAssertTrue(dataSet.loadRequest(subject: 0).contains("\"email\" " + value))
    }

    func testSetWritesTheRequestedNumberOfDistinctFields() {
        let dataSet = NetworkBenchmarkDataSet(subjects: 10, fieldsPerSet: NetworkBenchmarkDataSet.maximumFieldsPerSet)
        var random = NetworkBenchmarkRandom(seed: 5)
        let line = dataSet.request(.set, using: &random)
        let fields = NetworkBenchmarkDataSet.loadedFields + NetworkBenchmarkDataSet.extraFields
        for field in fields { XCTAssertTrue(line.contains(" \"\(field)\" "), field) }
    }

    func testRepliesAreClassifiedByShapeAndOnlyTheErrorCodeIsKept() {
        var tally = NetworkBenchmarkTally()
        tally.record(.set, reply: "OK", nanoseconds: 10)
        tally.record(.get, reply: "OK \"+49 30 1\"", nanoseconds: 10)
        tally.record(.get, reply: "OK", nanoseconds: 10)
        tally.record(.find, reply: "ERR UNKNOWN_COMMAND unknown command", nanoseconds: 10)
        tally.record(.export, reply: "ERR NOT_FOUND no such subject", nanoseconds: 10)
        XCTAssertEqual(tally.succeeded(.set), 1)
        XCTAssertEqual(tally.succeeded(.get), 1)
        XCTAssertEqual(tally.failed(.get), 1)
        XCTAssertEqual(tally.unsupported(.find), 1)
        XCTAssertEqual(tally.failed(.export), 1)
        XCTAssertEqual(tally.failureCodes, ["GET UNEXPECTED": 1, "EXPORT NOT_FOUND": 1])
        XCTAssertEqual(tally.allLatencies.total, 2, "only successes are timed")
    }
}
