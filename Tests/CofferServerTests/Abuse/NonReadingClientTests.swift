import Foundation
import XCTest

/// Issue 7: a client that pipelines requests and never reads the replies. The server's queued
/// output is bounded (written whenever it passes 64 KiB); once the write has been blocked for
/// the idle timeout the connection is dropped and none of its remaining requests is executed.
final class NonReadingClientTests: E2ETestCase {
    private let pipelined = 500

    func testAClientThatNeverReadsIsDisconnectedAndItsLaterRequestsAreNotExecuted() throws {
        let server = try startServer { $0.idleTimeoutSeconds = 1.5 }
        let (token, admin) = try makeTenant("acme", on: server)
        // EXPORT replies of about 128 KiB each fill the socket buffers after a few dozen.
        for field in 0..<8 {
            assertReply(try admin.request(words: ["SET", "alice", "f\(field)", String(repeating: "x", count: 16_000)]), "OK")
        }

        let hog = try server.connect(token: token)
        var burst = ""
        for number in 1...pipelined { burst += "EXPORT alice\nSET alice counter \"\(number)\"\n" }
        try hog.send(raw: burst)

        // Wait until the counter stops moving: the hog's connection is no longer being served.
        var previous = -1
        var current = 0
        let deadline = Date(timeIntervalSinceNow: 20)
        while Date() < deadline {
            Thread.sleep(forTimeInterval: 1)
            let reply = try admin.request("GET alice counter")
            current = Int(try E2EJSON.parse(okReply: reply).stringValue ?? "") ?? 0
            if current == previous { break }
            previous = current
        }
        XCTAssertGreaterThan(current, 0, "the first requests were executed")
        XCTAssertLessThan(current, pipelined, "requests after the stalled write are not executed")
        assertReply(try server.connect().request("PING"), #"OK "PONG""#, "others are served")

        // What the server did send is readable, then the connection ends.
        var replies = 0
        do {
            while try hog.readReply() != nil { replies += 1 }
        } catch {}
        XCTAssertLessThan(replies, 2 * pipelined, "the hog does not get every reply")
        assertClosed(hog)
    }
}
