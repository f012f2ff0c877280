import CofferProtocol
import XCTest

/// JSON string escapes (RFC 8259 §7): the short escapes, `\uXXXX`, surrogate pairs.
final class LexerStringEscapeTests: XCTestCase {
    func testShortEscapesDecode() {
        assertTokens(#""\" \\ \/ \b \f \n \r \t""#, [.string("\" \\ / \u{08} \u{0C} \n \r \t")])
    }

    func testEscapedQuoteDoesNotEndTheString() {
        assertTokens(#"GET "a\"b" c"#, [.atom("GET"), .string("a\"b"), .atom("c")])
    }

    func testEscapedBackslashBeforeClosingQuote() {
        assertTokens(#""a\\" b"#, [.string("a\\"), .atom("b")])
    }

    func testUnicodeEscapeDecodesBMPCharacters() {
        assertTokens(#""\u0041\u00e9\u20AC""#, [.string("Aé€")])
    }

    func testUnicodeEscapeHexDigitsAreCaseInsensitive() {
        assertTokens(#""\u00E9\u00e9\u20ac\u20AC""#, [.string("éé€€")])
    }

    func testUnicodeEscapeOfNulDecodesToNul() {
        assertTokens(#""a\u0000b""#, [.string("a\u{0}b")])
    }

    func testEscapedControlCharactersAreAllowed() {
        assertTokens(#""\u001f\u007f\u0009""#, [.string("\u{1F}\u{7F}\t")])
    }

    func testSurrogatePairIsJoined() {
        assertTokens(#""\uD83D\uDE00""#, [.string("😀")])
        assertTokens(#""\ud83d\ude00""#, [.string("😀")])
    }

    func testSurrogatePairBoundaries() {
        assertTokens(#""\uD800\uDC00""#, [.string("\u{10000}")])
        assertTokens(#""\uDBFF\uDFFF""#, [.string("\u{10FFFF}")])
    }

    func testLastCodePointsAroundSurrogateRangeDecode() {
        assertTokens(#""\uD7FF\uE000\uFFFF""#, [.string("\u{D7FF}\u{E000}\u{FFFF}")])
    }

    func testEscapesMixWithRawUTF8() {
        assertTokens(#""é\n€\u00e9😀x""#, [.string("é\n€é😀x")])
    }

    func testLoneHighSurrogateAtEndOfStringIsSyntaxError() {
        assertLexSyntaxError(#""\uD83D""#)
    }

    func testLoneHighSurrogateAtEndOfLineIsSyntaxError() {
        assertLexSyntaxError(#""\uD83D"#)
    }

    func testHighSurrogateFollowedByPlainCharacterIsSyntaxError() {
        assertLexSyntaxError(#""\uD83Dx""#)
        assertLexSyntaxError(#""\uD83D\n""#)
    }

    func testHighSurrogateFollowedByNonSurrogateEscapeIsSyntaxError() {
        assertLexSyntaxError(#""\uD83D\u0041""#)
    }

    func testTwoHighSurrogatesAreSyntaxError() {
        assertLexSyntaxError(#""\uD83D\uD83D""#)
    }

    func testLoneLowSurrogateIsSyntaxError() {
        assertLexSyntaxError(#""\uDE00""#)
        assertLexSyntaxError(#""\uDC00x""#)
    }

    func testLowThenHighSurrogateIsSyntaxError() {
        assertLexSyntaxError(#""\uDE00\uD83D""#)
    }

    func testUnknownEscapesAreSyntaxError() {
        for escape in [#"\a"#, #"\x41"#, #"\U0041"#, #"\'"#, #"\0"#, #"\ "#, #"\v"#, #"\e"#] {
            assertLexSyntaxError("\"a\(escape)b\"")
        }
    }

    func testShortOrNonHexUnicodeEscapesAreSyntaxError() {
        for escape in [#"\u"#, #"\u1"#, #"\u12"#, #"\u123"#, #"\u12G4"#, #"\u-123"#, #"\u 123"#, #"\u+041"#] {
            assertLexSyntaxError("\"a\(escape)\"")
        }
    }

    func testEscapeCutByEndOfLineIsSyntaxError() {
        assertLexSyntaxError(#""\u00"#)
        assertLexSyntaxError(#""\"#)
    }

    func testEscapeOfRawControlByteIsSyntaxError() {
        assertLexSyntaxError(bytes("\"\\") + [0x0A] + bytes("\""))
    }

    func testManyEscapedStringsOnOneLineDecodeIndependently() {
        assertTokens(#"SET "s\n" "f\t" "v\\" "w""#, [.atom("SET"), .string("s\n"), .string("f\t"), .string("v\\"), .string("w")])
    }
}
