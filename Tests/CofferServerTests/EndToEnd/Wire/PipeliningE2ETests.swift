import Foundation
import XCTest

/// CONTRACT.md §3: exactly one reply per non-blank line, in request order, also when pipelined.
final class PipeliningE2ETests: E2ETestCase {
    func testOneThousandPipelinedRequestsInOneWriteGetOneThousandRepliesInOrder() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        var batch = ""
        for index in 0..<500 {
            batch += "SET alice f\(index) \"value \(index)\"\nGET alice f\(index)\n"
        }
        try admin.send(raw: batch)
        for index in 0..<500 {
            let set = try XCTUnwrap(admin.readReply(), "SET \(index)")
            let get = try XCTUnwrap(admin.readReply(), "GET \(index)")
            XCTAssertEqual(set, "OK", "SET \(index)")
            XCTAssertEqual(get, "OK \"value \(index)\"", "GET \(index)")
        }
        assertReply(try admin.request("PING"), #"OK "PONG""#, "no reply is left over")
    }

    func testMixedPipelinedRepliesKeepTheirOrderAcrossErrorsAndBlankLines() throws {
        let server = try startServer()
        let client = try server.connect()
        try client.send(raw: "PING\nFOO\n\nGET a\nWHOAMI\n   \nGET alice phone\nHELLO\n")
        assertReply(try XCTUnwrap(client.readReply()), #"OK "PONG""#)
        assertError(try XCTUnwrap(client.readReply()), "UNKNOWN_COMMAND")
        assertError(try XCTUnwrap(client.readReply()), "SYNTAX")
        assertValue(try XCTUnwrap(client.readReply()), ["role": "anonymous"])
        assertError(try XCTUnwrap(client.readReply()), "AUTH_REQUIRED")
        assertObject(try XCTUnwrap(client.readReply()), ["server": "coffer"])
    }

    func testPipelinedAuthTakesEffectForTheLinesAfterIt() throws {
        let server = try startServer()
        let client = try server.connect()
        try client.send(raw: "TENANT LIST\nAUTH \(server.operatorToken)\nTENANT LIST\n")
        assertError(try XCTUnwrap(client.readReply()), "AUTH_REQUIRED")
        assertObject(try XCTUnwrap(client.readReply()), ["role": "operator"])
        assertReply(try XCTUnwrap(client.readReply()), "OK []")
    }
}
