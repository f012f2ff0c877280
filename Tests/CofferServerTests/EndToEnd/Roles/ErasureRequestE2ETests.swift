import Foundation
import XCTest

/// CONTRACT.md §6 `REQUEST ERASURE` and `REQUEST LIST`: a subject asks, its tenant sees the
/// pending requests oldest first and grants one by shredding the subject.
final class ErasureRequestE2ETests: E2ETestCase {
    private static let rfc3339 = try! NSRegularExpression(pattern: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#)

    func testSubjectAsksAndTheTenantSeesAndGrantsTheRequest() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request("SET bob phone 1")
        try admin.request(words: ["SET", "Jöhn Dœ", "phone", "2"])
        let bob = try server.connect(token: try issueToken("bob", by: admin))
        let john = try server.connect(token: try issueToken("Jöhn Dœ", by: admin))

        assertValue(try admin.request("REQUEST LIST"), [])
        assertValue(try bob.request("REQUEST ERASURE"), ["subject": "bob", "request": "erasure"])
        assertValue(try john.request("REQUEST ERASURE"), ["subject": "Jöhn Dœ", "request": "erasure"])
        assertValue(try bob.request("REQUEST ERASURE"), ["subject": "bob", "request": "erasure"], "asking twice is not an error")

        let list = try E2EJSON.parse(okReply: try admin.request("REQUEST LIST")).arrayValue ?? []
        XCTAssertEqual(list.map { $0["subject"] }, ["bob", "Jöhn Dœ"], "one request each, oldest first")
        for entry in list {
            XCTAssertEqual(entry["request"], "erasure")
            let time = entry["time"]?.stringValue ?? ""
            XCTAssertEqual(Self.rfc3339.numberOfMatches(in: time, range: NSRange(time.startIndex..., in: time)), 1, time)
        }

        assertValue(try admin.request("SUBJECT SHRED bob"), ["subject": "bob", "shredded": true])
        let rest = try E2EJSON.parse(okReply: try admin.request("REQUEST LIST")).arrayValue ?? []
        XCTAssertEqual(rest.map { $0["subject"] }, ["Jöhn Dœ"])
    }

    func testOnlyTheRightRolesMayAskOrList() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request("SUBJECT ADD alice")
        let alice = try server.connect(token: try issueToken("alice", by: admin))
        let op = try server.connectAsOperator()
        assertError(try admin.request("REQUEST ERASURE"), "FORBIDDEN")
        assertError(try op.request("REQUEST ERASURE"), "FORBIDDEN")
        assertError(try alice.request("REQUEST LIST"), "FORBIDDEN")
        assertError(try op.request("REQUEST LIST"), "FORBIDDEN")
        assertError(try server.connect().request("REQUEST ERASURE"), "AUTH_REQUIRED")
        assertError(try alice.request("REQUEST ERASURE now"), "SYNTAX")
        assertError(try alice.request("REQUEST"), "SYNTAX")
        assertError(try alice.request("REQUEST DELETE"), "UNKNOWN_COMMAND")
    }

    func testTenantsSeeOnlyTheirOwnRequests() throws {
        let server = try startServer()
        let (_, acme) = try makeTenant("acme", on: server)
        let (_, globex) = try makeTenant("globex", on: server)
        try acme.request("SUBJECT ADD alice")
        let alice = try server.connect(token: try issueToken("alice", by: acme))
        try alice.request("REQUEST ERASURE")
        assertValue(try globex.request("REQUEST LIST"), [])
        XCTAssertEqual(try E2EJSON.parse(okReply: try acme.request("REQUEST LIST")).arrayValue?.count, 1)
    }
}
