import Foundation
import XCTest

/// CONTRACT.md §8 `limits.maxFieldsPerSubject`: a `SET` that would give a subject more fields is
/// `INVALID` and changes nothing, whoever sends it.
final class FieldLimitE2ETests: E2ETestCase {
    /// `SET subject f0000 v f0001 v …` with the fields numbered `range`.
    private func set(_ subject: String, fields range: Range<Int>, value: String = "v") -> [String] {
        ["SET", subject] + range.flatMap { [String(format: "f%04d", $0), value] }
    }

    private func fieldCount(_ subject: String, admin: E2EClient) throws -> Int {
        guard case .object(let fields)? = try E2EJSON.parse(okReply: admin.request(words: ["EXPORT", subject]))["fields"] else {
            throw E2EFailure("EXPORT answered no fields object")
        }
        return fields.count
    }

    func testTheDefaultLimitIsOneThousandFields() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertReply(try admin.request(words: set("alice", fields: 0..<1000)), "OK")
        assertError(try admin.request(words: set("alice", fields: 1000..<1001)), "INVALID", "a 1001st field")
        assertReply(try admin.request(words: set("alice", fields: 0..<1000, value: "w")), "OK", "replacing all 1000 adds none")
        XCTAssertEqual(try fieldCount("alice", admin: admin), 1000)
        assertError(try admin.request(words: set("bob", fields: 0..<1001)), "INVALID", "1001 fields at once")
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice"], "the refused SET created no subject")
    }

    func testASetOverTheLimitChangesNothingAndOneReplacingFieldsIsFine() throws {
        let server = try startServer { $0.maxFieldsPerSubject = 3 }
        let (_, admin) = try makeTenant("acme", on: server)
        assertReply(try admin.request("SET alice a 1 b 2 c 3"), "OK")
        assertError(try admin.request("SET alice d 4"), "INVALID")
        assertError(try admin.request("SET alice a 9 d 4"), "INVALID", "one new field among replaced ones")
        assertValue(try admin.request("EXPORT alice"), ["tenant": "acme", "subject": "alice", "fields": ["a": "1", "b": "2", "c": "3"]],
                    "the refused SETs changed nothing")
        assertReply(try admin.request("SET alice a 7 b 8 c 9"), "OK", "replacing fields at the limit")
        assertReply(try admin.request("DEL alice c"), "OK")
        assertReply(try admin.request("SET alice d 4"), "OK", "room again after a DEL")
        assertValue(try admin.request("EXPORT alice"), ["tenant": "acme", "subject": "alice", "fields": ["a": "7", "b": "8", "d": "4"]])
        assertError(try admin.request("SET bob a 1 b 2 c 3 d 4"), "INVALID")
        assertError(try admin.request("GET bob a"), "NOT_FOUND", "the refused SET created no subject")
    }

    func testASelfEditingSubjectIsBoundedToo() throws {
        let server = try startServer { $0.maxFieldsPerSubject = 2 }
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request("SET alice a 1")
        try admin.request("POLICY SET subject_self_edit on")
        let alice = try server.connect(token: try issueToken("alice", by: admin))
        assertReply(try alice.request("SET alice b 2"), "OK")
        assertError(try alice.request("SET alice c 3"), "INVALID")
        assertError(try alice.request("SET alice a 9 c 3"), "INVALID")
        assertReply(try alice.request("SET alice a 5 b 6"), "OK")
        assertValue(try alice.request("EXPORT alice"), ["tenant": "acme", "subject": "alice", "fields": ["a": "5", "b": "6"]])
    }
}
