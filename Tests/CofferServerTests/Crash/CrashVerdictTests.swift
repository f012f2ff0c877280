import XCTest

/// The crash harness's judgement, on made-up observations: it must be able to see a lost or
/// torn write, or a passing crash run would prove nothing.
final class CrashVerdictTests: XCTestCase {
    private func fields(_ a: String, _ b: String) -> CrashSubjectRecord.Observation { .fields(["a": a, "b": b]) }

    func testTheAcknowledgedValueOrTheOneInFlightPasses() {
        let record = CrashSubjectRecord(acknowledged: "v2", inFlight: "v3")
        XCTAssertEqual(record.judge(fields("v2", "v2")), .acknowledgedPresent)
        XCTAssertEqual(record.judge(fields("v3", "v3")), .inFlightApplied)
    }

    func testAnOlderValueOrNoneInPlaceOfAnAcknowledgedOneIsLost() {
        let record = CrashSubjectRecord(acknowledged: "v2", inFlight: nil)
        XCTAssertEqual(record.judge(fields("v1", "v1")), .lost)
        XCTAssertEqual(record.judge(.notFound), .lost)
    }

    func testASubjectNeverAcknowledgedMayBeAbsent() {
        XCTAssertEqual(CrashSubjectRecord(acknowledged: nil, inFlight: "v1").judge(.notFound), .absentNeverAcknowledged)
    }

    func testHalfAWriteOrAnExtraFieldIsTorn() {
        let record = CrashSubjectRecord(acknowledged: "v2", inFlight: "v3")
        XCTAssertEqual(record.judge(fields("v2", "v3")), .torn)
        XCTAssertEqual(record.judge(.fields(["a": "v2"])), .torn)
        XCTAssertEqual(record.judge(.fields(["a": "v2", "b": "v2", "c": "v2"])), .torn)
    }

    func testWhatWasReadBackBecomesTheValueLaterTrialsMustFind() {
        let record = CrashSubjectRecord(acknowledged: "v2", inFlight: "v3")
        XCTAssertEqual(record.settled(by: fields("v3", "v3")), CrashSubjectRecord(acknowledged: "v3", inFlight: nil))
        XCTAssertEqual(CrashSubjectRecord(acknowledged: nil, inFlight: "v1").settled(by: .notFound), CrashSubjectRecord())
    }
}
