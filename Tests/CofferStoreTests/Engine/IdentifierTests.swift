import CofferStore
import XCTest

/// The name rules of CONTRACT.md §4, at their boundaries.
final class IdentifierTests: XCTestCase {
    func testTenantAcceptsLowercaseDigitsAndHyphens() {
        for name in ["a", "0", "acme", "acme-corp", "9lives", "a-", "a--b", "x1-2-3"] {
            XCTAssertTrue(Identifier.isValidTenant(name), name)
        }
    }

    func testTenantOf63CharactersIsValidAnd64IsNot() {
        XCTAssertTrue(Identifier.isValidTenant(String(repeating: "a", count: 63)))
        XCTAssertFalse(Identifier.isValidTenant(String(repeating: "a", count: 64)))
        XCTAssertTrue(Identifier.isValidTenant("a" + String(repeating: "-", count: 62)))
    }

    func testTenantRefusesBadCharactersAndShapes() {
        for name in ["", "-a", "-", "A", "Acme", "a_b", "a.b", "a b", "é", "a\u{0}", "ａ", "a/b", " a"] {
            XCTAssertFalse(Identifier.isValidTenant(name), name)
        }
    }

    func testSubjectAcceptsAnyUTF8WithoutControlBytes() {
        for subject in ["a", "bob@example.org", "José Müller", "東京", "😀", "a b", "\"quoted\"", "\u{85}"] {
            XCTAssertTrue(Identifier.isValidSubject(subject), subject)
        }
    }

    func testSubjectOf256BytesIsValidAnd257IsNot() {
        XCTAssertTrue(Identifier.isValidSubject(String(repeating: "a", count: 256)))
        XCTAssertFalse(Identifier.isValidSubject(String(repeating: "a", count: 257)))
    }

    func testSubjectLengthCountsUTF8Bytes() {
        let twoByte = String(repeating: "é", count: 128)  // 256 bytes
        XCTAssertTrue(Identifier.isValidSubject(twoByte))
        XCTAssertFalse(Identifier.isValidSubject(twoByte + "a"))
        XCTAssertFalse(Identifier.isValidSubject(String(repeating: "😀", count: 65)))  // 260 bytes
    }

    func testSubjectRefusesEmptyAndControlBytes() {
        XCTAssertFalse(Identifier.isValidSubject(""))
        for control in Array(0x00...0x1F) + [0x7F] {
            let subject = "a" + String(Unicode.Scalar(UInt8(control))) + "b"
            XCTAssertFalse(Identifier.isValidSubject(subject), "control \(control)")
        }
    }

    func testFieldAcceptsTheContractExamples() {
        for name in ["a", "phone", "phone.mobile", "address.street", "a_b-c.d9", "z0", "a..", "a-"] {
            XCTAssertTrue(Identifier.isValidField(name), name)
        }
    }

    func testFieldOf64CharactersIsValidAnd65IsNot() {
        XCTAssertTrue(Identifier.isValidField(String(repeating: "f", count: 64)))
        XCTAssertFalse(Identifier.isValidField(String(repeating: "f", count: 65)))
        XCTAssertTrue(Identifier.isValidField("f" + String(repeating: "_", count: 63)))
    }

    func testFieldRefusesBadCharactersAndShapes() {
        for name in ["", "1a", "_a", ".a", "-a", "A", "phoneNumber", "a b", "a/b", "é", "a\u{0}", "\u{017F}", "a:b"] {
            XCTAssertFalse(Identifier.isValidField(name), name)
        }
    }

    func testValidatorsWorkOnBytesNotCanonicalEquivalence() {
        // KELVIN SIGN is canonically equivalent to "K" but is neither a-z nor ASCII.
        XCTAssertFalse(Identifier.isValidField("\u{212A}ey"))
        XCTAssertFalse(Identifier.isValidTenant("\u{212A}"))
    }
}
