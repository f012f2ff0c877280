import Foundation
import XCTest

/// Issue 7: clients that send one byte at a time. A slow but complete request is answered; a
/// line that never ends is cut off at the idle timeout; nobody else waits meanwhile.
final class SlowClientTests: E2ETestCase {
    func testARequestSentOneByteAtATimeIsAnswered() throws {
        let server = try startServer()
        let client = try server.connect()
        for byte in Array("PING\r\nWHOAMI\n".utf8) {
            try client.send(raw: [byte])
            Thread.sleep(forTimeInterval: 0.01)
        }
        assertReply(try XCTUnwrap(client.readReply()), #"OK "PONG""#)
        assertValue(try XCTUnwrap(client.readReply()), ["role": "anonymous"])
    }

    func testALineThatNeverEndsIsCutOffAtTheIdleTimeoutWhileOthersAreServed() throws {
        let server = try startServer { $0.idleTimeoutSeconds = 1.5 }
        let slow = try server.connect()
        let other = try server.connect()
        // One byte every 100 ms for 2.5 s, never a LF: the bytes keep coming, but the line does
        // not complete within the 1.5 s idle timeout.
        for _ in 0..<25 {
            do { try slow.send(raw: "P") } catch { break }
            assertReply(try other.request("PING"), #"OK "PONG""#, "another client is served meanwhile")
            Thread.sleep(forTimeInterval: 0.1)
        }
        assertClosed(slow, "a line still unfinished after the idle timeout")
    }
}
