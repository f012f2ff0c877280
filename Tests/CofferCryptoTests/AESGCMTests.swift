import XCTest
@testable import CofferCrypto

final class AESGCMTests: XCTestCase {
    /// McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13, 14 and 16 (AES-256),
    /// as published with NIST's GCM specification.
    func testKnownAnswersFromGCMSpecification() throws {
        struct Vector { let key, iv, plaintext, aad, ciphertext, tag: String }
        let vectors = [
            Vector(key: String(repeating: "00", count: 32), iv: String(repeating: "00", count: 12), plaintext: "", aad: "",
                   ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b"),
            Vector(key: String(repeating: "00", count: 32), iv: String(repeating: "00", count: 12),
                   plaintext: String(repeating: "00", count: 16), aad: "",
                   ciphertext: "cea7403d4d606b6e074ec5d3baf39d18", tag: "d0d1c8a799996bf0265b98b5d48ab919"),
            Vector(key: "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", iv: "cafebabefacedbaddecaf888",
                   plaintext: "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
                   aad: "feedfacedeadbeeffeedfacedeadbeefabaddad2",
                   ciphertext: "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
                   tag: "76fc6ece0f4e1768cddf8853bb2d551b"),
        ]
        for vector in vectors {
            let cipher = try AESGCM(key: key(vector.key))
            let sealed = try cipher.seal(hex(vector.plaintext), nonce: hex(vector.iv), authenticating: hex(vector.aad))
            XCTAssertEqual(sealed, hex(vector.iv) + hex(vector.ciphertext) + hex(vector.tag))
            XCTAssertEqual(bytes(try cipher.open(sealed, authenticating: hex(vector.aad))), hex(vector.plaintext))
        }
    }

    func testRoundTripsEmptyLargeAndNonASCII() throws {
        let cipher = try AESGCM(key: .random())
        let samples: [[UInt8]] = [[], Array("x".utf8), Array("Grüße, 東京 📞 +49 30 123456".utf8), [UInt8](repeating: 0xA5, count: 16384)]
        for plaintext in samples {
            let sealed = try cipher.seal(plaintext, authenticating: Array("ctx".utf8))
            XCTAssertEqual(sealed.count, plaintext.count + AESGCM.overhead)
            XCTAssertEqual(bytes(try cipher.open(sealed, authenticating: Array("ctx".utf8))), plaintext)
        }
    }

    func testEverySealUsesAFreshNonce() throws {
        let cipher = try AESGCM(key: .random())
        let first = try cipher.seal([1, 2, 3], authenticating: [UInt8]())
        let second = try cipher.seal([1, 2, 3], authenticating: [UInt8]())
        XCTAssertNotEqual(Array(first.prefix(12)), Array(second.prefix(12)))
        XCTAssertNotEqual(first, second)
        XCTAssertEqual(cipher.sealsPerformed, 2)
    }

    func testTamperedCiphertextTagNonceOrAssociatedDataFails() throws {
        let cipher = try AESGCM(key: .random())
        let aad = Array("tenant:1/subject:2/field:phone".utf8)
        let sealed = try cipher.seal(Array("+49 30 1234567".utf8), authenticating: aad)
        let positions = [0, 11, 12, sealed.count - 17, sealed.count - 16, sealed.count - 1]  // nonce, ciphertext, tag
        for position in positions {
            var tampered = sealed
            tampered[position] ^= 0x01
            XCTAssertThrowsError(try cipher.open(tampered, authenticating: aad)) { error in
                XCTAssertEqual(error as? CryptoError, .authenticationFailed, "byte \(position)")
            }
        }
        var otherAAD = aad
        otherAAD[otherAAD.count - 1] ^= 0x20
        XCTAssertThrowsError(try cipher.open(sealed, authenticating: otherAAD))
        XCTAssertThrowsError(try cipher.open(sealed, authenticating: [UInt8]()))
        XCTAssertThrowsError(try cipher.open(Array(sealed.dropLast()), authenticating: aad))
        XCTAssertThrowsError(try cipher.open([UInt8](repeating: 0, count: 27), authenticating: aad))
    }

    func testWrongKeyFailsAndContextStaysUsableAfterFailure() throws {
        let right = try AESGCM(key: .random())
        let wrong = try AESGCM(key: .random())
        let sealed = try right.seal(Array("value".utf8), authenticating: [UInt8]())
        XCTAssertThrowsError(try wrong.open(sealed, authenticating: [UInt8]()))
        // The keyed context is reused: a failed open must not poison the next operation.
        let again = try wrong.seal(Array("next".utf8), authenticating: [UInt8]())
        XCTAssertEqual(bytes(try wrong.open(again, authenticating: [UInt8]())), Array("next".utf8))
        XCTAssertEqual(bytes(try right.open(sealed, authenticating: [UInt8]())), Array("value".utf8))
    }

    func testConcurrentUseOfOneCipher() throws {
        let cipher = try AESGCM(key: .random())
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for i in 0..<500 {
                let plaintext = Array("w\(worker)-\(i)".utf8)
                let sealed = try! cipher.seal(plaintext, authenticating: [UInt8(worker)])
                XCTAssertEqual(bytes(try! cipher.open(sealed, authenticating: [UInt8(worker)])), plaintext)
            }
        }
        XCTAssertEqual(cipher.sealsPerformed, 4000)
    }
}
