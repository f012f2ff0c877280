import Foundation
import XCTest

/// CONTRACT.md §6 `AUDIT [<limit>]` and its details paragraph.
final class AuditE2ETests: E2ETestCase {
    private static let rfc3339 = try! NSRegularExpression(pattern: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#)

    private func entries(_ reply: String, file: StaticString = #filePath, line: UInt = #line) throws -> [E2EJSON] {
        guard let array = try E2EJSON.parse(okReply: reply).arrayValue else {
            throw E2EFailure("AUDIT did not answer an array")
        }
        return array
    }

    func testAuditShowsTheTenantsCommandsNewestFirstInTheContractsShape() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "+1 555 0100", "email", "a@example.com"])
        try admin.request("GET alice phone")
        try admin.request("GET alice fax")
        try admin.request("PING")
        try admin.request("WHOAMI")
        try admin.request("HELLO")
        try admin.request("AUDIT")
        try admin.request("FIND phone 1")

        let trail = try entries(try admin.request("AUDIT"))
        XCTAssertEqual(trail.map { $0["action"] }, ["FIND", "GET", "GET", "SET", "TENANT CLAIM"],
                       "PING, HELLO, WHOAMI and AUDIT are not audited; newest first; the claim opens the trail")
        XCTAssertEqual(trail.map { $0["result"] }, ["ok", "NOT_FOUND", "ok", "ok", "ok"])
        XCTAssertEqual(trail.map { $0["actor"] }, ["tenant", "tenant", "tenant", "tenant", "enrollment"])
        let seqs = trail.compactMap { entry -> Int? in if case .int(let n) = entry["seq"] { return n } else { return nil } }
        XCTAssertEqual(seqs.count, 5)
        XCTAssertEqual(seqs, seqs.sorted(by: >), "newest first")
        for entry in trail {
            let time = entry["time"]?.stringValue ?? ""
            XCTAssertEqual(Self.rfc3339.numberOfMatches(in: time, range: NSRange(time.startIndex..., in: time)), 1, time)
        }
        XCTAssertEqual(trail[3]["subject"], "alice")
        XCTAssertEqual(trail[3]["fields"], ["phone", "email"])
        XCTAssertEqual(trail[0]["fields"], ["phone"])
        XCTAssertNil(trail[0]["subject"])
        let text = try admin.request("AUDIT")
        XCTAssertFalse(text.contains("+1 555 0100") || text.contains("a@example.com"), "never a value")
    }

    func testSubjectsCommandsAndRefusalsAppearInTheirTenantsTrail() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request("SET alice phone 1")
        try admin.request("SET bob phone 2")
        let alice = try server.connect(token: try issueToken("alice", by: admin))
        try alice.request("GET alice phone")
        try alice.request("GET bob phone")
        try alice.request("REQUEST ERASURE")
        try alice.request("NOPE")
        try alice.request(#"GET "unterminated"#)

        let trail = try entries(try admin.request("AUDIT 3"))
        XCTAssertEqual(trail.map { $0["action"] }, ["REQUEST ERASURE", "GET", "GET"], "UNKNOWN_COMMAND and SYNTAX are not audited")
        XCTAssertEqual(trail.map { $0["result"] }, ["ok", "FORBIDDEN", "ok"])
        XCTAssertEqual(trail.map { $0["actor"] }, ["subject", "subject", "subject"])
        XCTAssertEqual(trail.map { $0["subject"] }, ["alice", "bob", "alice"])
    }

    func testATenantNeverSeesAnotherTenantsOrTheServicesRecords() throws {
        let server = try startServer()
        let (_, acme) = try makeTenant("acme", on: server)
        let (_, globex) = try makeTenant("globex", on: server)
        try globex.request("SET carol phone 3")
        try globex.request("TOKEN ISSUE carol")
        let op = try server.connectAsOperator()
        try op.request("TENANT LIST")
        let stranger = try server.connect()
        assertError(try stranger.auth("cft_not-a-real-token"), "AUTH_FAILED")
        try acme.request("SUBJECT LIST")

        let acmeTrail = try entries(try acme.request("AUDIT 1000"))
        XCTAssertEqual(acmeTrail.map { $0["action"] }, ["SUBJECT LIST", "TENANT CLAIM"])
        let globexTrail = try entries(try globex.request("AUDIT 1000"))
        XCTAssertEqual(globexTrail.map { $0["action"] }, ["TOKEN ISSUE", "SET", "TENANT CLAIM"])
        XCTAssertFalse(try globex.request("AUDIT").contains("cft_"), "never a token")
    }

    func testTheLimitIsOneToOneThousandAndDefaultsToOneHundred() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        var lines = ""
        for i in 0..<105 { lines += "SET s\(i) f \(i)\n" }
        try admin.send(raw: lines)
        for _ in 0..<105 { _ = try admin.readReply() }

        XCTAssertEqual(try entries(try admin.request("AUDIT")).count, 100)
        XCTAssertEqual(try entries(try admin.request("AUDIT 1")).count, 1)
        XCTAssertEqual(try entries(try admin.request("AUDIT 1000")).count, 106, "105 SETs and the claim")
        XCTAssertEqual(try entries(try admin.request(#"AUDIT "7""#)).count, 7)
        for bad in ["0", "1001", "-1", "+5", "1.5", "abc", "1e2", "99999999999999999999", #""""#] {
            assertError(try admin.request("AUDIT \(bad)"), "INVALID", bad)
        }
        assertError(try admin.request("AUDIT 1 2"), "SYNTAX")
    }

    func testOnlyATenantAdministratorMayReadTheTrail() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request("SUBJECT ADD alice")
        let alice = try server.connect(token: try issueToken("alice", by: admin))
        let op = try server.connectAsOperator()
        for client in [alice, op] {
            assertError(try client.request("AUDIT"), "FORBIDDEN")
            assertError(try client.request("AUDIT 0"), "FORBIDDEN", "FORBIDDEN ranks before INVALID")
        }
        assertError(try server.connect().request("AUDIT"), "AUTH_REQUIRED")
    }

    func testAnAuditWriteFailureAnswersInternalAndChangesNothing() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request("SET alice phone 1")
        let raw = try CofferStoreTestAccess.database(server.configuration.dataDirectory + "/vault.db")
        try raw.execute("CREATE TRIGGER audit_fails BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'simulated'); END;")

        assertError(try admin.request("SET alice phone 2"), "INTERNAL")
        assertError(try admin.request("SET bob phone 2"), "INTERNAL")
        // A read's record is queued for the next group commit (docs/SECURITY.md): the read is
        // answered, and the failed append is logged by the server.
        assertReply(try admin.request("GET alice phone"), #"OK "1""#)

        try raw.execute("DROP TRIGGER audit_fails")
        assertReply(try admin.request("GET alice phone"), #"OK "1""#)
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice"])
    }

    func testNoValueTokenOrSubjectIdentifierReachesTheDatabaseFilesThroughTheTrail() throws {
        let server = try startServer()
        let marker = "ZQAUDITE2E"
        let (adminToken, admin) = try makeTenant("acme", on: server)
        let subject = "someone-\(marker)@example.com"
        try admin.request(words: ["SET", subject, "phone", "value-\(marker)"])
        try admin.request(words: ["FIND", "phone", "value-\(marker)"])
        try admin.request(words: ["GET", "nobody-\(marker)", "phone"])
        let subjectToken = try issueToken(subject, by: admin)
        let person = try server.connect(token: subjectToken)
        try person.request("REQUEST ERASURE")
        try person.request(words: ["GET", "other-\(marker)", "phone"])
        let op = try server.connectAsOperator()
        try op.request(words: ["EXPORT", "operator-\(marker)"])
        let stranger = try server.connect()
        try stranger.auth("cft_\(marker)")
        try admin.request(words: ["SUBJECT", "SHRED", subject])
        XCTAssertTrue(try admin.request("AUDIT").contains("nobody-\(marker)"), "control: the tenant reads its details")

        let directory = server.configuration.dataDirectory
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).map { directory + "/" + $0 }
        XCTAssertTrue(files.contains { $0.hasSuffix("vault.db") })
        for path in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let needles = [("marker", marker), ("subject", "someone-"), ("GET subject", "nobody-"), ("subject's GET", "other-"),
                           ("operator's EXPORT", "operator-"), ("admin token", adminToken), ("subject token", subjectToken)]
            for (what, needle) in needles {
                XCTAssertFalse(Self.contains(bytes, Array(needle.utf8)), "the \(what) is in clear in \((path as NSString).lastPathComponent)")
            }
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle)
        }
    }

    func testARecordNamesAtMostOneHundredFieldsSoAuditRepliesStayBounded() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        let fields = (0..<150).flatMap { ["f\($0)", "v"] }
        assertReply(try admin.request(words: ["SET", "alice"] + fields), "OK")
        let newest = try XCTUnwrap(try entries(try admin.request("AUDIT 1")).first)
        let names = try XCTUnwrap(newest["fields"]?.arrayValue).compactMap(\.stringValue)
        XCTAssertEqual(names.count, 101)
        XCTAssertEqual(names.first, "f0")
        XCTAssertEqual(names.last, "+50 more")
    }
}
