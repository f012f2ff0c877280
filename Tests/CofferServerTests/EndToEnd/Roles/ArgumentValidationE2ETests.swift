import Foundation
import XCTest

/// CONTRACT.md §4 and §6 details: arguments that break a rule are `INVALID`, and change nothing.
final class ArgumentValidationE2ETests: E2ETestCase {
    func testTenantNamesOutsideTheGrammarAreInvalid() throws {
        let server = try startServer()
        let op = try server.connectAsOperator()
        let invalid = ["Acme", "-acme", "acme_corp", "acme.io", "", "é", "a b", String(repeating: "a", count: 64)]
        for name in invalid {
            assertError(try op.request(words: ["TENANT", "CREATE", name]), "INVALID", name)
            assertError(try op.request(words: ["TENANT", "SHRED", name]), "INVALID", name)
        }
        let longest = String(repeating: "a", count: 63)
        for name in ["0-a", "a", "9", "a--b", longest] {
            assertObject(try op.request(words: ["TENANT", "CREATE", name]), ["tenant": .string(name)], name)
        }
        assertValue(try op.request("TENANT LIST"), .array(["0-a", "9", "a", "a--b", longest].map { ["tenant": .string($0), "subjects": 0] }))
    }

    func testSubjectIdentifiersOutsideTheRulesAreInvalid() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        let tooLong = String(repeating: "é", count: 128) + "a"  // 257 bytes
        for subject in ["", tooLong, "a\u{01}b", "tab\there", "del\u{7F}", "new\nline"] {
            let shown = subject.debugDescription
            assertError(try admin.request(words: ["SUBJECT", "ADD", subject]), "INVALID", shown)
            assertError(try admin.request(words: ["SET", subject, "phone", "1"]), "INVALID", shown)
            assertError(try admin.request(words: ["GET", subject, "phone"]), "INVALID", shown)
            assertError(try admin.request(words: ["EXPORT", subject]), "INVALID", shown)
            assertError(try admin.request(words: ["TOKEN", "ISSUE", subject]), "INVALID", shown)
        }
        let longest = String(repeating: "é", count: 128)  // 256 bytes
        for subject in [longest, "jane.doe+tag@example.com", "Jane Doe", "\"quoted\" \\ name", "😀"] {
            assertReply(try admin.request(words: ["SUBJECT", "ADD", subject]), "OK", subject.debugDescription)
        }
        XCTAssertEqual(try listingPage(admin.request("SUBJECT LIST")).subjects.count, 5)
    }

    func testFieldNamesOutsideTheGrammarAreInvalid() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request("SUBJECT ADD alice")
        for field in ["Phone", "1phone", "_x", ".x", "-x", "phone!", "", "phöne", "ph one", String(repeating: "f", count: 65)] {
            assertError(try admin.request(words: ["SET", "alice", field, "1"]), "INVALID", field)
            assertError(try admin.request(words: ["GET", "alice", field]), "INVALID", field)
            assertError(try admin.request(words: ["DEL", "alice", field]), "INVALID", field)
        }
        let longest = "f" + String(repeating: "9", count: 63)
        for field in ["p", "phone.mobile", "address.street", "a_b-c.d9", longest] {
            assertReply(try admin.request(words: ["SET", "alice", field, field]), "OK", field)
            assertValue(try admin.request(words: ["GET", "alice", field]), .string(field))
        }
        assertObject(try admin.request("EXPORT alice"), ["subject": "alice"])
    }

    func testValuesUpToTheLimitAreStoredAndLongerOnesAreInvalidAndChangeNothing() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        let atLimit = String(repeating: "v", count: 16384)
        assertReply(try admin.request(words: ["SET", "alice", "bio", atLimit]), "OK")
        let multiByte = String(repeating: "é", count: 8192)  // 16384 bytes
        assertReply(try admin.request(words: ["SET", "alice", "bio2", multiByte]), "OK")
        assertError(try admin.request(words: ["SET", "alice", "bio", atLimit + "v"]), "INVALID")
        assertError(try admin.request(words: ["SET", "alice", "bio2", multiByte + "x"]), "INVALID", "the limit counts bytes")
        assertValue(try admin.request("GET alice bio"), .string(atLimit))
        assertValue(try admin.request("GET alice bio2"), .string(multiByte))
    }

    func testSetNamingAFieldTwiceIsInvalidAndChangesNothing() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "old"])
        assertError(try admin.request(words: ["SET", "alice", "phone", "new1", "phone", "new2"]), "INVALID")
        assertError(try admin.request(words: ["SET", "alice", "email", "e", "fax", "f", "email", "e2"]), "INVALID")
        assertValue(try admin.request("EXPORT alice"), ["tenant": "acme", "subject": "alice", "fields": ["phone": "old"]])
        assertError(try admin.request(words: ["SET", "zed", "a", "1", "a", "2"]), "INVALID")
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice"], "a refused SET creates no subject")
    }

    func testARefusedSetWritesNoPairAndCreatesNoSubject() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "old"])
        let tooLong = String(repeating: "x", count: 16385)
        assertError(try admin.request(words: ["SET", "alice", "phone", "new", "email", tooLong]), "INVALID")
        assertError(try admin.request(words: ["SET", "alice", "phone", "new", "Bad", "x"]), "INVALID")
        assertValue(try admin.request("EXPORT alice"), ["tenant": "acme", "subject": "alice", "fields": ["phone": "old"]],
                    "all pairs or none")
        assertError(try admin.request(words: ["SET", "newbie", "phone", "1", "email", tooLong]), "INVALID")
        assertError(try admin.request(words: ["SET", "newbie", "Bad", "1"]), "INVALID")
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice"])
        assertError(try admin.request("EXPORT newbie"), "NOT_FOUND")
        let op = try server.connectAsOperator()
        assertValue(try op.request("TENANT LIST"), [["tenant": "acme", "subjects": 1]])
    }

    func testPolicySetTakesOnlySubjectSelfEditWithLowerCaseOnOrOff() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        for line in ["POLICY SET subject_self_edit On", "POLICY SET subject_self_edit ON", "POLICY SET subject_self_edit OFF",
                     "POLICY SET subject_self_edit yes", "POLICY SET subject_self_edit true", "POLICY SET subject_self_edit 1",
                     #"POLICY SET subject_self_edit """#, "POLICY SET SUBJECT_SELF_EDIT on", "POLICY SET other_policy on",
                     "POLICY SET subject_self_edit_ on"] {
            assertError(try admin.request(line), "INVALID", line)
        }
        assertValue(try admin.request("POLICY GET"), ["subject_self_edit": false])
        assertReply(try admin.request(#"POLICY SET "subject_self_edit" "on""#), "OK", "arguments may be strings")
        assertValue(try admin.request("POLICY GET"), ["subject_self_edit": true])
    }

    func testArgumentsAreCaseSensitiveAndComparedByBytes() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        // "é" precomposed (C3 A9) and decomposed (65 CC 81) are two different subjects.
        let precomposed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        try admin.request(words: ["SET", "Bob", "phone", "upper"])
        try admin.request(words: ["SET", "bob", "phone", "lower"])
        try admin.request(words: ["SET", precomposed, "phone", "precomposed"])
        try admin.request(words: ["SET", decomposed, "phone", "decomposed"])
        assertValue(try admin.request("GET Bob phone"), "upper")
        assertValue(try admin.request("GET bob phone"), "lower")
        assertValue(try admin.request(words: ["GET", precomposed, "phone"]), "precomposed")
        assertValue(try admin.request(words: ["GET", decomposed, "phone"]), "decomposed")
        assertLastPage(try admin.request("SUBJECT LIST"), ["Bob", "bob", decomposed, precomposed])
        assertValue(try admin.request(words: ["EXPORT", decomposed]),
                    ["tenant": "acme", "subject": .string(decomposed), "fields": ["phone": "decomposed"]])
    }
}
