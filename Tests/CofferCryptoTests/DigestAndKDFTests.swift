import XCTest
@testable import CofferCrypto

final class DigestAndKDFTests: XCTestCase {
    /// FIPS 180-4 examples: the empty message, "abc", and the two-block message.
    func testSHA256KnownAnswers() throws {
        XCTAssertEqual(try SHA256.digest([UInt8]()), hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
        XCTAssertEqual(try SHA256.digest(Array("abc".utf8)), hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        XCTAssertEqual(try SHA256.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       hex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"))
        XCTAssertEqual(bytes(try SHA256.secureDigest(Array("abc".utf8))), try SHA256.digest(Array("abc".utf8)))
    }

    /// RFC 7914 section 11, the two PBKDF2-HMAC-SHA256 vectors.
    func testPBKDF2SHA256KnownAnswers() throws {
        var first = Array("passwd".utf8)
        XCTAssertEqual(bytes(try PBKDF2.sha256(password: SecureBytes(consuming: &first), salt: Array("salt".utf8), iterations: 1, byteCount: 64)),
                       hex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"))
        var second = Array("Password".utf8)
        XCTAssertEqual(bytes(try PBKDF2.sha256(password: SecureBytes(consuming: &second), salt: Array("NaCl".utf8), iterations: 80_000, byteCount: 64)),
                       hex("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"))
    }

    func testPBKDF2RefusesAZeroIterationCount() {
        var password = Array("x".utf8)
        XCTAssertThrowsError(try PBKDF2.sha256(password: SecureBytes(consuming: &password), salt: [1], iterations: 0, byteCount: 32))
    }

    /// The zeroizing variant gives the same MAC as the array one (RFC 4231 test case 2).
    func testSecureHMACMatchesTheArrayForm() throws {
        var keyBytes = hex("4a656665")
        let hmac = try HMACSHA256(keyBytes: SecureBytes(consuming: &keyBytes))
        let message = Array("what do ya want for nothing?".utf8)
        XCTAssertEqual(bytes(try hmac.secureAuthenticate(message)), hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
        XCTAssertEqual(bytes(try hmac.secureAuthenticate(message)), try hmac.authenticate(message))
    }
}
