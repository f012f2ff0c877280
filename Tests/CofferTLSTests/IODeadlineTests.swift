import Foundation
import XCTest
import CofferTLS

/// The parts of `IODeadline` the PostgreSQL pool relies on: ordering and seconds left.
final class IODeadlineTests: XCTestCase {
    func testTheEarlierDeadlineSortsFirst() {
        let soon = IODeadline(secondsFromNow: 1)
        let later = IODeadline(secondsFromNow: 60)
        XCTAssertLessThan(soon, later)
        XCTAssertLessThan(min(later, soon).remainingSeconds, 2)
        XCTAssertGreaterThan(max(later, soon).remainingSeconds, 50)
    }

    func testRemainingSecondsCountDownToZero() {
        let deadline = IODeadline(secondsFromNow: 10)
        XCTAssertGreaterThan(deadline.remainingSeconds, 9)
        XCTAssertLessThanOrEqual(deadline.remainingSeconds, 10)
        XCTAssertEqual(IODeadline(secondsFromNow: -5).remainingSeconds, 0)
        XCTAssertEqual(IODeadline(secondsFromNow: .nan).remainingSeconds, 0)
    }
}
