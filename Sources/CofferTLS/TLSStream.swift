import Foundation
import COpenSSL
import CofferCrypto

/// A TLS session over a connected, non-blocking POSIX stream socket, server side
/// (`init(acceptingOn:…)`) or client side (`init(connectingOn:…)`, `init(startingTLSOn:…)`).
/// Used from one thread at a time.
///
/// Every wait is a `poll` bounded by a deadline, optionally cut short by a wake-up descriptor,
/// so no call outlasts the deadline its caller gives. Every `SSL_get_error` goes through
/// `SSLCallStatus`. After a fatal error or a timed-out write the stream is *failed*: it never
/// sends close_notify, which would be wrong after a fatal alert.
///
/// The socket is the caller's until an initialiser succeeds (a failed handshake leaves it open
/// for the caller to close); from then on `close()` or `deinit` closes it.
public final class TLSStream {
    /// How a read ended.
    public enum ReadResult: Equatable, Sendable {
        /// This many plaintext bytes were written to the start of the buffer.
        case received(Int)
        /// The peer sent close_notify: its data ended cleanly.
        case closeNotify
        /// The peer closed the connection without close_notify, so the data may be truncated.
        /// A protocol whose messages delimit themselves may treat it as an end of input after a
        /// complete message. The stream is failed.
        case truncated
        /// No byte arrived by the deadline (the stream stays usable).
        case timedOut
        /// The wake-up descriptor became readable first (the stream stays usable).
        case woken
    }

    /// The socket descriptor, for the caller's own `poll` or `shutdown`; never read or write
    /// application data on it directly.
    public let socket: Int32
    /// The `SSL *`; freed by `close`.
    private let ssl: OpaquePointer
    /// True after a fatal TLS error, an EOF without close_notify, or a failed or timed-out write.
    public private(set) var hasFailed = false
    /// True once `close` has run.
    public private(set) var isClosed = false

    /// Takes over `ssl`, whose handshake on `socket` has completed.
    init(handshaken ssl: OpaquePointer, socket: Int32) {
        self.ssl = ssl
        self.socket = socket
    }

    deinit {
        close()
    }

    // MARK: Reading

    /// Reads what is available (up to `buffer.count` bytes), waiting until `deadline` for the
    /// first byte, or until `wake` (a descriptor) becomes readable. Throws on a fatal error
    /// (the stream is then failed) and when the stream is closed or failed already.
    public func read(into buffer: UnsafeMutableRawBufferPointer, until deadline: IODeadline, wake: Int32? = nil) throws(TLSError) -> ReadResult {
        try checkUsable("read")
        guard let base = buffer.baseAddress, buffer.count > 0 else { return .received(0) }
        let length = Int32(min(buffer.count, Int(Int32.max)))
        while true {
            ERR_clear_error()
            let count = SSL_read(ssl, base, length)
            if count > 0 { return .received(Int(count)) }
            let status = SSLCallStatus(ssl: ssl, result: count)
            switch status {
            case .wantRead, .wantWrite:
                switch SocketWait.wait(socket, for: status == .wantRead ? .readable : .writable, until: deadline, wake: wake) {
                case .ready: continue
                case .timedOut: return .timedOut
                case .woken: return .woken
                }
            case .closeNotify:
                return .closeNotify
            case .unexpectedEOF:
                hasFailed = true
                return .truncated
            case .failed(let details):
                hasFailed = true
                throw TLSError(kind: .io, operation: "read", details: details)
            }
        }
    }

    /// True if a read would not wait: decrypted bytes are buffered in the TLS layer, or the
    /// socket has bytes, an EOF or an error waiting. On an idle connection whose peer has
    /// nothing to say (PostgreSQL between queries), that means the session is over. False once
    /// closed.
    public var isReadableNow: Bool {
        guard !isClosed else { return false }
        return SSL_pending(ssl) > 0 || SocketWait.isReadableNow(socket)
    }

    // MARK: Writing

    /// Writes every byte, or throws (`.timeout` when the peer does not accept them by
    /// `deadline`); after a throw the stream is failed.
    public func write(_ bytes: UnsafeRawBufferPointer, until deadline: IODeadline) throws(TLSError) {
        try checkUsable("write")
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            // A blocked write is retried with the same arguments, as OpenSSL requires.
            let length = Int32(min(bytes.count - offset, Int(Int32.max)))
            ERR_clear_error()
            let written = SSL_write(ssl, base + offset, length)
            if written > 0 {
                offset += Int(written)
                continue
            }
            let status = SSLCallStatus(ssl: ssl, result: written)
            switch status {
            case .wantRead, .wantWrite:
                if SocketWait.wait(socket, for: status == .wantRead ? .readable : .writable, until: deadline) == .timedOut {
                    hasFailed = true
                    throw TLSError(kind: .timeout, operation: "write", details: ["the peer did not accept data by the deadline"])
                }
            case .closeNotify:
                hasFailed = true
                throw TLSError(kind: .io, operation: "write", details: ["the peer has closed the connection"])
            case .unexpectedEOF(let details), .failed(let details):
                hasFailed = true
                throw TLSError(kind: .io, operation: "write", details: details)
            }
        }
    }

    /// Writes every byte of `bytes`; see `write(_:until:)` for raw bytes.
    public func write(_ bytes: [UInt8], until deadline: IODeadline) throws(TLSError) {
        // (Array's `withUnsafeBytes` rethrows untyped errors, so the failure is carried out.)
        let failure: TLSError? = bytes.withUnsafeBytes { buffer in
            do throws(TLSError) { try write(buffer, until: deadline) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    // MARK: Closing

    /// Sends our close_notify without waiting for the peer's, giving up at `deadline`.
    /// Does nothing once the stream is failed or closed.
    public func sendCloseNotify(until deadline: IODeadline) {
        guard !isClosed, !hasFailed else { return }
        while true {
            ERR_clear_error()
            let result = SSL_shutdown(ssl)
            if result >= 0 { break }
            guard SSLCallStatus(ssl: ssl, result: result) == .wantWrite,
                  SocketWait.wait(socket, for: .writable, until: deadline) == .ready else { break }
        }
        OpenSSLErrorQueue.clear()
    }

    /// Frees the TLS state and closes the socket, without sending anything (call
    /// `sendCloseNotify` first for a clean end). Idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        SSL_free(ssl)
        NetworkPosix.closeDescriptor(socket)
    }

    private func checkUsable(_ operation: String) throws(TLSError) {
        guard !isClosed else { throw TLSError(kind: .closed, operation: operation, details: ["the connection is closed"]) }
        guard !hasFailed else { throw TLSError(kind: .closed, operation: operation, details: ["the connection failed earlier"]) }
    }
}
