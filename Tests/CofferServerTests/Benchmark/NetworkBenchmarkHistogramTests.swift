import XCTest
@testable import coffer

final class NetworkBenchmarkHistogramTests: XCTestCase {
    func testPercentilesOfEvenlySpreadValuesAreWithinOnePercentAboveTheTrueValue() {
        var histogram = NetworkBenchmarkHistogram()
        for microseconds in 1...10_000 { histogram.record(UInt64(microseconds) * 1_000) }
        for (fraction, exact) in [(0.50, 5_000_000.0), (0.99, 9_900_000.0), (0.999, 9_990_000.0)] {
            let reported = Double(histogram.percentile(fraction))
            XCTAssertGreaterThanOrEqual(reported, exact, "p\(fraction * 100)")
            XCTAssertLessThanOrEqual(reported, exact * (1 + 1.0 / 128), "p\(fraction * 100)")
        }
        XCTAssertEqual(histogram.percentile(1), 10_000_000)
        XCTAssertEqual(histogram.total, 10_000)
    }

    func testSmallValuesAreCountedExactly() {
        var histogram = NetworkBenchmarkHistogram()
        for value: UInt64 in [5, 7, 200] { histogram.record(value) }
        XCTAssertEqual(histogram.percentile(0.0), 5)
        XCTAssertEqual(histogram.percentile(0.5), 7)
        XCTAssertEqual(histogram.percentile(0.99), 200)
    }

    func testAnEmptyHistogramReportsZero() {
        XCTAssertEqual(NetworkBenchmarkHistogram().percentile(0.99), 0)
    }

    func testMergingEqualsRecordingEverythingInOne() {
        var first = NetworkBenchmarkHistogram(), second = NetworkBenchmarkHistogram(), both = NetworkBenchmarkHistogram()
        var random = NetworkBenchmarkRandom(seed: 42)
        for index in 0..<5_000 {
            let value = random.next() % 50_000_000
            if index % 3 == 0 { first.record(value) } else { second.record(value) }
            both.record(value)
        }
        first.merge(second)
        XCTAssertEqual(first, both)
        XCTAssertEqual(first.percentile(0.999), both.percentile(0.999))
    }

    func testEveryValueFallsIntoABucketNoWiderThanOne128th() {
        var random = NetworkBenchmarkRandom(seed: 7)
        var values: [UInt64] = [0, 1, 255, 256, 257, 1 << 20, (1 << 20) - 1, UInt64.max, UInt64.max - 1]
        for _ in 0..<10_000 { values.append(random.next() >> (random.next() % 64)) }
        for value in values {
            let bucket = NetworkBenchmarkHistogram.bucket(of: value)
            XCTAssertLessThan(bucket, NetworkBenchmarkHistogram.bucketCount)
            let upper = NetworkBenchmarkHistogram.upperBound(ofBucket: bucket)
            XCTAssertGreaterThanOrEqual(upper, value)
            if bucket > 0 {
                let lower = NetworkBenchmarkHistogram.upperBound(ofBucket: bucket - 1) + 1
                XCTAssertLessThanOrEqual(lower, value)
                XCTAssertLessThanOrEqual(Double(upper - lower), Double(lower) / 128, "bucket \(bucket)")
            }
        }
    }
}
