import Foundation
import XCTest

/// Issue 7: each failed `AUTH` on a connection is answered later than the one before (100 ms
/// times the number of failures so far), and the wait holds up no other connection.
final class FailedAuthenticationDelayTests: E2ETestCase {
    func testFailedAuthsAreAnsweredWithGrowingDelays() throws {
        let server = try startServer()
        let client = try server.connect()
        var delays: [Double] = []
        for _ in 0..<2 {
            let start = Date()
            assertError(try client.auth("cft_wrong"), "AUTH_FAILED")
            delays.append(Date().timeIntervalSince(start))
        }
        XCTAssertGreaterThanOrEqual(delays[0], 0.1, "the first failure waits at least 100 ms")
        XCTAssertGreaterThanOrEqual(delays[1], 0.2, "the second failure waits at least 200 ms")
        let start = Date()
        assertError(try client.auth("cft_wrong"), "AUTH_FAILED")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.3)
        assertClosed(client, "after the third failure")
    }

    func testASuccessfulAuthIsNotDelayed() throws {
        let server = try startServer()
        let token = try createTenant("acme", on: server)
        let client = try server.connect()
        let start = Date()
        assertObject(try client.auth(token), ["role": "tenant"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.1)
    }

    func testOtherConnectionsAreServedWhileAFailedAuthWaits() throws {
        let server = try startServer()
        let guesser = try server.connect()
        let other = try server.connect()
        // Two failures first, so the third answer is held for 300 ms.
        for _ in 0..<2 { assertError(try guesser.auth("cft_wrong"), "AUTH_FAILED") }
        try guesser.send(raw: "AUTH cft_wrong\n")
        Thread.sleep(forTimeInterval: 0.05)
        let start = Date()
        for _ in 0..<5 { assertReply(try other.request("PING"), #"OK "PONG""#) }
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.2, "PINGs on another connection do not wait")
        assertError(try XCTUnwrap(guesser.readReply()), "AUTH_FAILED")
    }
}
