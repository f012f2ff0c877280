import Foundation
import XCTest
import COpenSSL
import CofferCrypto
import CofferTLS

/// The one drain of OpenSSL's error queue (`OpenSSLErrorQueue`, in CofferCrypto), as CofferTLS
/// uses it: a failure carries the queue's entries, and no entry is left behind for the next call.
final class OpenSSLErrorQueueTests: XCTestCase {
    func testDrainReturnsTheQueuedErrorsOldestFirstAndEmptiesTheQueue() {
        OpenSSLErrorQueue.clear()
        OpenSSLTestErrors.failToLoadAMissingFile()
        OpenSSLTestErrors.failToMatchACipher()
        let lines = OpenSSLErrorQueue.drain()
        XCTAssertGreaterThanOrEqual(lines.count, 2, "\(lines)")
        XCTAssertFalse(lines.first?.contains("no cipher match") ?? true, "the older failure comes first: \(lines)")
        XCTAssertTrue(lines.last?.contains("no cipher match") ?? false, "the newer failure comes last: \(lines)")
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("error:") }, "OpenSSL's error strings: \(lines)")
        XCTAssertEqual(ERR_peek_error(), 0, "the queue is empty")
    }

    func testDrainOfAnEmptyQueueIsEmpty() {
        OpenSSLErrorQueue.clear()
        XCTAssertEqual(OpenSSLErrorQueue.drain(), [])
    }

    func testClearEmptiesTheQueue() {
        OpenSSLTestErrors.failToMatchACipher()
        OpenSSLErrorQueue.clear()
        XCTAssertEqual(ERR_peek_error(), 0)
    }

    func testAContextThatCannotLoadItsFilesCarriesTheQueueAndLeavesNothingBehind() {
        let missing = "/nonexistent-\(UUID().uuidString)/ca.pem"
        XCTAssertThrowsError(try TLSClientContext(configuration: TLSClientConfiguration(trustedCertificatesPath: missing))) { error in
            let failure = error as? TLSError
            XCTAssertEqual(failure?.kind, .configuration)
            XCTAssertEqual(failure?.operation, "load trusted certificate \(missing)")
            XCTAssertFalse(failure?.details.isEmpty ?? true, "OpenSSL's reasons are kept")
        }
        XCTAssertEqual(ERR_peek_error(), 0, "no stale entry for the next call")
    }
}

/// Puts real entries on this thread's OpenSSL error queue.
enum OpenSSLTestErrors {
    /// Fails to load a missing certificate file (system and SSL library entries).
    static func failToLoadAMissingFile() {
        guard let context = SSL_CTX_new(TLS_method()) else { return }
        defer { SSL_CTX_free(context) }
        _ = SSL_CTX_use_certificate_chain_file(context, "/nonexistent-coffer-test/server.crt")
    }

    /// Fails to set a cipher list that names no cipher ("no cipher match").
    static func failToMatchACipher() {
        guard let context = SSL_CTX_new(TLS_method()) else { return }
        defer { SSL_CTX_free(context) }
        _ = SSL_CTX_set_cipher_list(context, "NO-SUCH-CIPHER")
    }
}
