import Foundation
import COpenSSL
import CofferCrypto

/// What `SSL_get_error` says about an `SSL_accept`, `SSL_connect`, `SSL_read`, `SSL_write` or
/// `SSL_shutdown` call that did not succeed: the one mapping of that code in Coffer (in the
/// manner of swift-nio-ssl's `SSLConnection`). Building a status drains the thread's OpenSSL
/// error queue into its details, so no entry is left to be blamed on the next call.
public enum SSLCallStatus: Equatable, Sendable {
    /// Retry the same call, with the same arguments, once the socket is readable.
    case wantRead
    /// Retry the same call, with the same arguments, once the socket is writable.
    case wantWrite
    /// The peer sent close_notify: its data ended cleanly.
    case closeNotify
    /// The peer closed the connection without close_notify (a TCP-level EOF). Nothing more can
    /// be read, and the data so far may be truncated; the session must not be shut down cleanly.
    case unexpectedEOF(details: [String])
    /// Any other failure: a protocol error, a failed certificate check, a system error.
    /// `details` is OpenSSL's drained error queue, then the system's reason if there is one.
    case failed(details: [String])

    /// The status of the call on `ssl` (an `SSL *`) that returned `result`. Must run right after
    /// that call, on the same thread: it reads `errno` and the thread's error queue.
    public init(ssl: OpaquePointer, result: Int32) {
        let systemError = errno
        self.init(code: SSL_get_error(ssl, result), systemError: systemError)
    }

    /// The status for an `SSL_get_error` code and the `errno` read right after the call.
    public init(code: Int32, systemError: Int32) {
        switch code {
        case SSL_ERROR_WANT_READ:
            OpenSSLErrorQueue.clear()
            self = .wantRead
        case SSL_ERROR_WANT_WRITE:
            OpenSSLErrorQueue.clear()
            self = .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            OpenSSLErrorQueue.clear()
            self = .closeNotify
        case SSL_ERROR_SYSCALL:
            var details = OpenSSLErrorQueue.drain()
            if systemError == 0 {
                // OpenSSL 1.1's way to report an EOF without close_notify.
                details.append("the peer closed the connection")
                self = .unexpectedEOF(details: details)
            } else {
                details.append(NetworkPosix.errorText(systemError))
                self = .failed(details: details)
            }
        case SSL_ERROR_SSL:
            // OpenSSL 3's way to report an EOF without close_notify.
            let isEOF = ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING
            let details = OpenSSLErrorQueue.drain()
            self = isEOF ? .unexpectedEOF(details: details) : .failed(details: details)
        default:
            // WANT_X509_LOOKUP, WANT_ASYNC and the like: callbacks Coffer never installs.
            self = .failed(details: OpenSSLErrorQueue.drain() + ["SSL_get_error \(code)"])
        }
    }
}
