import XCTest
@testable import CofferCrypto

final class KeyAndEnvelopeTests: XCTestCase {
    func testKeysNeverPrintTheirBytes() throws {
        let key = try key(String(repeating: "ab", count: 32))
        for text in [String(describing: key), String(reflecting: key), "\(key)", String(describing: key.bytes)] {
            XCTAssertFalse(text.lowercased().contains("abab"), text)
            XCTAssertFalse(text.contains("171"), text)
        }
        var dumped = ""
        dump(key, to: &dumped)
        XCTAssertFalse(dumped.contains("171"))
    }

    func testKeyEqualityIsByValueAndSizeIsChecked() throws {
        XCTAssertEqual(try key(String(repeating: "01", count: 32)), try key(String(repeating: "01", count: 32)))
        XCTAssertNotEqual(try key(String(repeating: "01", count: 32)), try key(String(repeating: "01", count: 31) + "02"))
        XCTAssertNotEqual(try SymmetricKey.random(), try SymmetricKey.random())
        var short = [UInt8](repeating: 1, count: 16)
        XCTAssertThrowsError(try SymmetricKey(bytes: SecureBytes(consuming: &short)))
        XCTAssertTrue(short.isEmpty, "the consumed source array is wiped")
    }

    func testEnvelopeCarriesKeyVersionAndBindsContext() throws {
        let v7 = try AESGCM(key: .random())
        let envelope = try Envelope.seal(Array("+33 1 23 45 67 89".utf8), using: v7, keyVersion: 7, context: Array("t1|s9|phone".utf8))
        XCTAssertEqual(envelope.first, Envelope.format)
        XCTAssertEqual(try Envelope.keyVersion(of: envelope), 7)
        let opened = try Envelope.open(envelope, context: Array("t1|s9|phone".utf8)) { version throws(CryptoError) in
            XCTAssertEqual(version, 7)
            return v7
        }
        XCTAssertEqual(bytes(opened), Array("+33 1 23 45 67 89".utf8))
        XCTAssertThrowsError(try Envelope.open(envelope, context: Array("t1|s9|email".utf8)) { _ throws(CryptoError) in v7 })
        // A forged header (claiming another version) fails authentication even with the right key.
        var forged = envelope
        forged[4] = 8
        XCTAssertThrowsError(try Envelope.open(forged, context: Array("t1|s9|phone".utf8)) { _ throws(CryptoError) in v7 })
        var badFormat = envelope
        badFormat[0] = 9
        XCTAssertThrowsError(try Envelope.keyVersion(of: badFormat))
    }

    func testKeyWrapRoundTripAndContextBinding() throws {
        let kek = try AESGCM(key: .random())
        let dataKey = try SymmetricKey.random()
        let wrapped = try KeyWrap.wrap(dataKey, under: kek, kekVersion: 1, context: Array("tenant-a".utf8))
        XCTAssertEqual(wrapped.count, KeyWrap.wrappedByteCount)
        XCTAssertEqual(try KeyWrap.unwrap(wrapped, context: Array("tenant-a".utf8)) { _ throws(CryptoError) in kek }, dataKey)
        XCTAssertThrowsError(try KeyWrap.unwrap(wrapped, context: Array("tenant-b".utf8)) { _ throws(CryptoError) in kek })
        let otherKEK = try AESGCM(key: .random())
        XCTAssertThrowsError(try KeyWrap.unwrap(wrapped, context: Array("tenant-a".utf8)) { _ throws(CryptoError) in otherKEK })
    }

    func testRandomBytesDiffer() throws {
        XCTAssertNotEqual(try SecureRandom.bytes(32), try SecureRandom.bytes(32))
        XCTAssertEqual(try SecureRandom.bytes(0), [])
    }
}
