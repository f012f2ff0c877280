import Foundation
import XCTest

/// CONTRACT.md §2: what a request line is, as the server sees it over the wire.
final class LineProtocolE2ETests: E2ETestCase {
    func testBlankLinesAndLinesOfSpacesGetNoReply() throws {
        let server = try startServer()
        let client = try server.connect()
        try client.send(raw: "\n   \n\r\n  \r\nPING\n")
        assertReply(try XCTUnwrap(client.readReply()), #"OK "PONG""#, "the first reply answers the PING")
        try client.send(raw: "\n\nWHOAMI\n")
        assertValue(try XCTUnwrap(client.readReply()), ["role": "anonymous"], "nothing was queued for the blank lines")
    }

    func testCarriageReturnBeforeLineFeedIsIgnored() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.send(raw: "PING\r\n")
        assertReply(try XCTUnwrap(admin.readReply()), #"OK "PONG""#)
        try admin.send(raw: "  SET alice phone \"+1 555\"   \r\nGET alice phone\r\nSET alice bare value\r\nGET alice bare\r\n")
        assertReply(try XCTUnwrap(admin.readReply()), "OK")
        assertReply(try XCTUnwrap(admin.readReply()), #"OK "+1 555""#, "no CR in the string")
        assertReply(try XCTUnwrap(admin.readReply()), "OK")
        assertReply(try XCTUnwrap(admin.readReply()), #"OK "value""#, "no CR at the end of an atom")
    }

    func testCarriageReturnElsewhereIsAControlByte() throws {
        let server = try startServer()
        let client = try server.connect()
        try client.send(raw: "PING\r \n")
        assertError(try XCTUnwrap(client.readReply()), "SYNTAX")
        try client.send(raw: "PING\r\r\n")
        assertError(try XCTUnwrap(client.readReply()), "SYNTAX")
        assertReply(try client.request("PING"), #"OK "PONG""#)
    }

    func testJSONStringEscapesAndSurrogatePairsRoundTrip() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        let cases: [(escaped: String, value: String)] = [
            (#""quote \" backslash \\ slash \/""#, "quote \" backslash \\ slash /"),
            (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"),
            (#""\u00e9\u00E9 \u20ac""#, "éé €"),
            (#""\ud83d\ude00 \uD834\uDD1E""#, "😀 𝄞"),
            (#""nul \u0000 del \u007f""#, "nul \u{00} del \u{7F}"),
            (#""raw UTF-8: Grüße, 日本, 😀""#, "raw UTF-8: Grüße, 日本, 😀"),
            (#""line\u2028sep""#, "line\u{2028}sep"),
            (#""""#, ""),
            (#""e\u0301""#, "e\u{301}"),
            ("\"C1 \u{85} \u{80} raw\"", "C1 \u{85} \u{80} raw"),
            (#""\u0085\u009f escaped""#, "\u{85}\u{9F} escaped"),
        ]
        for (index, item) in cases.enumerated() {
            let field = "f\(index)"
            assertReply(try admin.request("SET alice \(field) \(item.escaped)"), "OK", item.escaped)
            let reply = try admin.request("GET alice \(field)")
            assertValue(reply, .string(item.value), item.escaped)
            XCTAssertFalse(reply.unicodeScalars.contains { $0.value < 0x20 }, "the reply escapes control characters: \(item.escaped)")
        }
        // Subject identifiers travel the same way.
        assertReply(try admin.request(#"SUBJECT ADD "\ud83d\ude00 \"x\"""#), "OK")
        assertLastPage(try admin.request("SUBJECT LIST"), ["alice", "😀 \"x\""])
    }

    func testMalformedLinesAreSyntaxAndTheConnectionStaysOpen() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "alice", "phone", "1"])
        let malformed: [(String, [UInt8])] = [
            ("unterminated string", Array(#"SET alice phone "abc"#.utf8)),
            ("string glued to an atom after it", Array(#"GET "alice"phone"#.utf8)),
            ("string glued to an atom before it", Array(#"GET alice"phone""#.utf8)),
            ("two glued strings", Array(#"GET "alice""phone""#.utf8)),
            ("invalid UTF-8 in an atom", Array("GET ".utf8) + [0xFF, 0xFE] + Array(" phone".utf8)),
            ("invalid UTF-8 in a string", Array("GET \"".utf8) + [0xC3, 0x28] + Array("\" phone".utf8)),
            ("overlong UTF-8", Array("GET ".utf8) + [0xC0, 0xAF] + Array(" phone".utf8)),
            ("UTF-8 surrogate", Array("GET ".utf8) + [0xED, 0xA0, 0x80] + Array(" phone".utf8)),
            ("code point above U+10FFFF", Array("GET ".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array(" phone".utf8)),
            ("truncated sequence at the end", Array("GET alice ".utf8) + [0xE2, 0x82]),
            ("lone continuation byte", Array("GET alice ".utf8) + [0x80]),
            ("raw TAB between tokens", Array("GET alice\tphone".utf8)),
            ("raw TAB in a string", Array("SET alice phone \"a\tb\"".utf8)),
            ("raw NUL", Array("GET alice ph".utf8) + [0x00] + Array("one".utf8)),
            ("raw DEL", Array("GET alice phone".utf8) + [0x7F]),
            ("raw ESC in a string", Array("SET alice phone \"".utf8) + [0x1B] + Array("\"".utf8)),
            ("raw DEL in a string", Array("SET alice phone \"a".utf8) + [0x7F] + Array("b\"".utf8)),
            ("raw CR in a string", Array("SET alice phone \"a\rb\"".utf8)),
            ("capital U escape", Array(#"SET alice phone "\U00e9""#.utf8)),
            ("unknown escape", Array(#"SET alice phone "\x41""#.utf8)),
            ("short unicode escape", Array(#"SET alice phone "\u12""#.utf8)),
            ("lone high surrogate", Array(#"SET alice phone "\ud83d""#.utf8)),
            ("lone low surrogate", Array(#"SET alice phone "\ude00 x""#.utf8)),
            ("high surrogate then non-surrogate", Array(#"SET alice phone "\ud83d\u0041""#.utf8)),
        ]
        for (name, line) in malformed {
            try admin.send(raw: line + [0x0A])
            assertError(try XCTUnwrap(admin.readReply(), name), "SYNTAX", name)
        }
        assertReply(try admin.request("GET alice phone"), #"OK "1""#, "nothing was written and the connection is open")
        assertValue(try admin.request("WHOAMI"), ["role": "tenant", "tenant": "acme"], "the session kept its identity")
    }

    func testQuitAnswersOkAndClosesEvenWithRequestsPipelinedBehindIt() throws {
        let server = try startServer()
        let client = try server.connect()
        try client.send(raw: "PING\nQUIT\nPING\n")
        assertReply(try XCTUnwrap(client.readReply()), #"OK "PONG""#)
        assertReply(try XCTUnwrap(client.readReply()), "OK")
        assertClosed(client, "after QUIT")
    }
}
