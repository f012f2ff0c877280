import XCTest
@testable import CofferCrypto

final class HMACSHA256Tests: XCTestCase {
    private func mac(keyHex: String, data: [UInt8]) throws -> [UInt8] {
        var keyBytes = hex(keyHex)
        return try HMACSHA256(keyBytes: SecureBytes(consuming: &keyBytes)).authenticate(data)
    }

    /// RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (HMAC-SHA-256).
    func testRFC4231Vectors() throws {
        XCTAssertEqual(try mac(keyHex: String(repeating: "0b", count: 20), data: Array("Hi There".utf8)),
                       hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"))
        XCTAssertEqual(try mac(keyHex: "4a656665", data: Array("what do ya want for nothing?".utf8)),
                       hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
        XCTAssertEqual(try mac(keyHex: String(repeating: "aa", count: 20), data: [UInt8](repeating: 0xdd, count: 50)),
                       hex("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"))
        XCTAssertEqual(try mac(keyHex: "0102030405060708090a0b0c0d0e0f10111213141516171819", data: [UInt8](repeating: 0xcd, count: 50)),
                       hex("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"))
        XCTAssertEqual(try mac(keyHex: String(repeating: "aa", count: 131),
                               data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)),
                       hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"))
        XCTAssertEqual(try mac(keyHex: String(repeating: "aa", count: 131),
                               data: Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8)),
                       hex("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"))
    }

    func testTemplateIsReusableAndVerifyIsExact() throws {
        let hmac = try HMACSHA256(key: .random())
        let first = try hmac.authenticate(Array("alice@example.com".utf8))
        XCTAssertEqual(try hmac.authenticate(Array("alice@example.com".utf8)), first)
        XCTAssertNotEqual(try hmac.authenticate(Array("alice@example.co".utf8)), first)
        XCTAssertTrue(try hmac.verify(first, for: Array("alice@example.com".utf8)))
        var wrong = first
        wrong[31] ^= 1
        XCTAssertFalse(try hmac.verify(wrong, for: Array("alice@example.com".utf8)))
        XCTAssertEqual(try hmac.authenticate([UInt8]()).count, 32)
    }

    func testDifferentKeysGiveDifferentDigests() throws {
        let message = Array("same".utf8)
        XCTAssertNotEqual(try HMACSHA256(key: .random()).authenticate(message), try HMACSHA256(key: .random()).authenticate(message))
    }
}
