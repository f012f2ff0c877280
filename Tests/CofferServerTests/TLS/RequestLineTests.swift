import Foundation
import XCTest
import CofferClient

final class RequestLineTests: XCTestCase {
    func testArgumentsAreQuotedAndTheVerbStaysAnAtom() {
        XCTAssertEqual(RequestLine.make(["SET", "alice@example.com", "phone", "+49 30 1234"]),
                       #"SET "alice@example.com" "phone" "+49 30 1234""#)
        XCTAssertEqual(RequestLine.make(["PING"]), "PING")
        XCTAssertEqual(RequestLine.make([]), "")
    }

    func testSubVerbsStayAtoms() {
        XCTAssertEqual(RequestLine.make(["TENANT", "CREATE", "acme"]), #"TENANT CREATE "acme""#)
        XCTAssertEqual(RequestLine.make(["policy", "set", "subject_self_edit", "on"]), #"policy set "subject_self_edit" "on""#)
        XCTAssertEqual(RequestLine.make(["GET", "CREATE", "x"]), #"GET "CREATE" "x""#, "GET has no sub-verb")
    }

    func testSpecialCharactersAreEscaped() {
        XCTAssertEqual(RequestLine.quote("a\"b\\c"), #""a\"b\\c""#)
        XCTAssertEqual(RequestLine.quote("\n\r\t\u{08}\u{0C}"), #""\n\r\t\b\f""#)
        XCTAssertEqual(RequestLine.quote("\u{00}\u{1F}\u{7F}"), #""\u0000\u001F\u007F""#)
        XCTAssertEqual(RequestLine.quote("Grüße 🙂"), "\"Grüße 🙂\"")
        XCTAssertEqual(RequestLine.quote(""), "\"\"")
    }

    func testQuotedTextDecodesBackWithAJSONParser() throws {
        let samples = ["plain", "with space", "quote\" and \\ backslash", "line\nbreak", "\u{01}\u{7F}\u{1B}[0m",
                       "ünïcödé", "emoji 🙂 and \u{2028}", "/slash/"]
        for sample in samples {
            let quoted = RequestLine.quote(sample)
            XCTAssertFalse(quoted.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "no raw control byte")
            let decoded = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed) as? String
            XCTAssertEqual(decoded, sample)
        }
    }
}
