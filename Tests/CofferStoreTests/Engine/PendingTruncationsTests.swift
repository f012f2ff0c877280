import XCTest
@testable import CofferStore

/// The hand-over of WAL truncations from the writer to the checkpointer thread.
final class PendingTruncationsTests: XCTestCase {
    func testARetryThatStartedBeforeANewerRequestLeavesThatRequestPending() {
        let pending = PendingTruncations()
        XCTAssertTrue(pending.request("vault.db"))
        let seen = pending.pending
        XCTAssertEqual(seen.map(\.path), ["vault.db"])
        XCTAssertFalse(pending.request("vault.db"), "already pending")
        pending.completed(seen[0])
        XCTAssertEqual(pending.pending.map(\.path), ["vault.db"], "the newer request was made after the retry began")
        pending.completed(pending.pending[0])
        XCTAssertTrue(pending.isEmpty)
    }

    func testTheWritersOwnTruncationAnswersEveryRequestForThatDatabase() {
        let pending = PendingTruncations()
        pending.request("vault.db")
        pending.request("keyring.db")
        pending.request("vault.db")
        pending.satisfied("vault.db")
        XCTAssertEqual(pending.pending.map(\.path), ["keyring.db"])
    }
}
