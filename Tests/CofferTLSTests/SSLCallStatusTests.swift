import Foundation
import XCTest
import COpenSSL
import CofferCrypto
import CofferTLS

/// The one mapping of `SSL_get_error` (`SSLCallStatus`): each code, and that every mapping
/// leaves the thread's error queue empty. Real sessions are in `TLSStreamTests`.
final class SSLCallStatusTests: XCTestCase {
    func testTheRetryCodesAskToWaitInTheirDirection() {
        XCTAssertEqual(SSLCallStatus(code: SSL_ERROR_WANT_READ, systemError: 0), .wantRead)
        XCTAssertEqual(SSLCallStatus(code: SSL_ERROR_WANT_WRITE, systemError: 0), .wantWrite)
    }

    func testZeroReturnIsThePeersCloseNotify() {
        XCTAssertEqual(SSLCallStatus(code: SSL_ERROR_ZERO_RETURN, systemError: 0), .closeNotify)
    }

    func testASystemCallErrorWithoutErrnoIsAnEOFWithoutCloseNotify() {
        XCTAssertEqual(SSLCallStatus(code: SSL_ERROR_SYSCALL, systemError: 0),
                       .unexpectedEOF(details: ["the peer closed the connection"]))
    }

    func testASystemCallErrorWithErrnoIsAFailureNamingTheSystemsReason() {
        XCTAssertEqual(SSLCallStatus(code: SSL_ERROR_SYSCALL, systemError: ECONNRESET),
                       .failed(details: [String(cString: strerror(ECONNRESET))]))
    }

    func testAProtocolErrorCarriesTheDrainedQueue() {
        OpenSSLErrorQueue.clear()
        OpenSSLTestErrors.failToMatchACipher()
        guard case .failed(let details) = SSLCallStatus(code: SSL_ERROR_SSL, systemError: 0) else {
            return XCTFail("SSL_ERROR_SSL without the unexpected-EOF reason is a failure")
        }
        XCTAssertTrue(details.last?.contains("no cipher match") ?? false, "\(details)")
        XCTAssertEqual(ERR_peek_error(), 0)
    }

    func testACodeForACallbackCoffersNeverInstallsIsAFailureNamingTheCode() {
        XCTAssertEqual(SSLCallStatus(code: SSL_ERROR_WANT_X509_LOOKUP, systemError: 0),
                       .failed(details: ["SSL_get_error \(SSL_ERROR_WANT_X509_LOOKUP)"]))
    }

    func testEveryCodeLeavesTheErrorQueueEmpty() {
        let codes = [SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE, SSL_ERROR_ZERO_RETURN, SSL_ERROR_SYSCALL,
                     SSL_ERROR_SSL, SSL_ERROR_WANT_X509_LOOKUP]
        for code in codes {
            OpenSSLTestErrors.failToLoadAMissingFile()
            XCTAssertNotEqual(ERR_peek_error(), 0)
            _ = SSLCallStatus(code: code, systemError: 0)
            XCTAssertEqual(ERR_peek_error(), 0, "a stale entry survives code \(code)")
        }
    }
}
