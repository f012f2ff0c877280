import Foundation
import COpenSSL

/// One accepted, handshaken TLS connection. Used from exactly one thread (its connection thread).
///
/// The socket is non-blocking and every wait is a `poll` bounded by a deadline, so no call can
/// outlast the idle timeout, and an idle reader can be woken when the listener drains.
/// Created by `Listener`; the handler receives it ready to use.
public final class TLSConnection {
    /// Result of reading one request line.
    public enum LineResult: Equatable, Sendable {
        /// A complete line without its LF (a CR before the LF is left in place for the lexer).
        case line([UInt8])
        /// The line exceeded `limit` bytes counting every byte including CR and LF; the caller
        /// replies `ERR TOO_LONG` and closes. Later reads return `.closed`.
        case tooLong
        /// Clean EOF, peer reset, fatal TLS error, or the server is draining.
        case closed
        /// No complete line arrived within the idle timeout.
        case timedOut
    }

    /// The peer's numeric address and port, e.g. "127.0.0.1:54321" or "[::1]:54321", for logs.
    public let peerDescription: String
    /// What the per-address limits count the peer as; nil for an address that is not IP.
    let clientAddress: ClientAddress?

    /// Plaintext bytes requested from OpenSSL per read (one maximum-size TLS record).
    static let readChunkSize = 16 * 1024
    /// Queued output is written once it grows beyond this, even while more lines are buffered.
    static let outputFlushThreshold = 64 * 1024
    /// How long `close` keeps discarding input so that unread bytes do not turn the close into
    /// a reset that could destroy the last reply before the peer reads it.
    static let lingerSeconds = 1.0
    /// The most input `close` discards while lingering.
    static let lingerMaximumBytes = 1 << 20

    private let socket: Int32
    /// The `SSL *`; freed by `close`.
    private let ssl: OpaquePointer
    private let idleTimeout: Double
    private let drain: DrainSignal
    private let readScratch: UnsafeMutableRawBufferPointer
    private var input = LineBuffer()
    private var output: [UInt8] = []
    /// A write failure from an automatic flush in `enqueue`, reported by the next `flush`/`write`.
    private var writeFailure: TLSError?
    /// No more input will arrive (close_notify, EOF, reset or fatal error).
    private var inputEnded = false
    /// A fatal TLS error or a timed-out write: `SSL_shutdown` must not be called.
    private var failed = false
    /// `.tooLong` was returned: the rest of the input is unread and is discarded on close.
    private var rejectedLine = false
    private var isClosed = false

    /// Performs the server handshake on `socket` (already non-blocking), which this object now
    /// owns: on failure the socket is closed before the error is thrown.
    /// The handshake is abandoned at `handshakeDeadline`, when `drain` fires, or when someone
    /// shuts the socket down. `handshakeEnded` runs once the handshake has ended, whether it
    /// succeeded or not, and before the socket may be closed: until then the socket number
    /// cannot have been reused, so the listener may shut it down to end the handshake early.
    init(acceptingOn socket: Int32, context: TLSServerContext, peerDescription: String, clientAddress: ClientAddress?,
         idleTimeout: Double, handshakeDeadline: IODeadline, drain: DrainSignal,
         handshakeEnded: () -> Void = {}) throws(TLSError) {
        let ssl: OpaquePointer
        do {
            ssl = try Self.handshake(socket: socket, context: context, deadline: handshakeDeadline, drain: drain)
        } catch {
            handshakeEnded()
            NetworkPosix.closeDescriptor(socket)
            throw error
        }
        handshakeEnded()
        self.socket = socket
        self.ssl = ssl
        self.peerDescription = peerDescription
        self.clientAddress = clientAddress
        self.idleTimeout = idleTimeout
        self.drain = drain
        self.readScratch = .allocate(byteCount: Self.readChunkSize, alignment: 16)
    }

    deinit {
        close()
        // The scratch buffer held decrypted request bytes (personal data); clear before release.
        OPENSSL_cleanse(readScratch.baseAddress, readScratch.count)
        readScratch.deallocate()
    }

    private static func handshake(socket: Int32, context: TLSServerContext, deadline: IODeadline, drain: DrainSignal) throws(TLSError) -> OpaquePointer {
        ERR_clear_error()
        guard let ssl = SSL_new(context.handle) else {
            throw TLSError.drainingQueue(.handshake, "create connection")
        }
        guard SSL_set_fd(ssl, socket) == 1 else {
            let error = TLSError.drainingQueue(.handshake, "attach socket")
            SSL_free(ssl)
            throw error
        }
        while true {
            ERR_clear_error()
            let result = SSL_accept(ssl)
            if result == 1 { return ssl }
            let code = SSL_get_error(ssl, result)
            let outcome: SocketWait.Outcome
            switch code {
            case SSL_ERROR_WANT_READ:
                outcome = SocketWait.wait(socket, for: .readable, until: deadline, wake: drain.readDescriptor)
            case SSL_ERROR_WANT_WRITE:
                outcome = SocketWait.wait(socket, for: .writable, until: deadline, wake: drain.readDescriptor)
            default:
                let error = TLSError.drainingQueue(.handshake, "handshake", extra: systemErrorText(code))
                SSL_free(ssl)
                throw error
            }
            guard outcome == .ready else {
                ERR_clear_error()
                SSL_free(ssl)
                throw outcome == .woken
                    ? TLSError(kind: .closed, operation: "handshake", details: ["the server is stopping"])
                    : TLSError(kind: .timeout, operation: "handshake", details: ["not finished by the handshake deadline"])
            }
        }
    }

    // MARK: Reading

    /// Reads the next line. Bytes after the LF stay buffered for the next call (pipelining).
    /// A partial line at EOF is discarded (`.closed`). While waiting for the first byte of a new
    /// request the connection is idle: if the listener drains, this returns `.closed`.
    public func readLine(limit: Int) -> LineResult {
        guard !isClosed, !rejectedLine, !drain.isFired else { return .closed }
        let deadline = IODeadline(secondsFromNow: idleTimeout)
        while true {
            switch input.nextLine(limit: limit) {
            case .line(let line):
                return .line(line)
            case .tooLong:
                rejectedLine = true
                return .tooLong
            case .needMore:
                break
            }
            guard !inputEnded else { return .closed }
            switch receive(until: deadline, wakeOnDrain: input.isEmpty) {
            case .received: continue
            case .ended, .woken: return .closed
            case .timedOut: return .timedOut
            }
        }
    }

    /// True when a complete line is already buffered, so the caller can delay flushing.
    /// False while the listener drains (the next `readLine` returns `.closed`).
    public var hasBufferedLine: Bool {
        guard !isClosed, !rejectedLine, !drain.isFired else { return false }
        return input.containsCompleteLine()
    }

    private enum ReceiveOutcome {
        case received, ended, timedOut, woken
    }

    /// Reads one chunk of plaintext into `input`.
    private func receive(until deadline: IODeadline, wakeOnDrain: Bool) -> ReceiveOutcome {
        while true {
            ERR_clear_error()
            let count = SSL_read(ssl, readScratch.baseAddress, Int32(readScratch.count))
            if count > 0 {
                input.append(UnsafeRawBufferPointer(rebasing: readScratch[0..<Int(count)]))
                return .received
            }
            let code = SSL_get_error(ssl, count)
            switch code {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                let direction: SocketWait.Direction = code == SSL_ERROR_WANT_READ ? .readable : .writable
                switch SocketWait.wait(socket, for: direction, until: deadline, wake: wakeOnDrain ? drain.readDescriptor : nil) {
                case .ready: continue
                case .timedOut: return .timedOut
                case .woken: return .woken
                }
            case SSL_ERROR_ZERO_RETURN:
                // The peer's close_notify: a clean end, answered by ours in `close`.
                inputEnded = true
                return .ended
            default:
                // EOF without close_notify, reset, or a protocol error: nothing more to say to this peer.
                ERR_clear_error()
                failed = true
                inputEnded = true
                return .ended
            }
        }
    }

    // MARK: Writing

    /// Writes all bytes (after any queued output). Throws on failure or when the peer does not
    /// accept them within the idle timeout; the connection is unusable afterwards.
    public func write(_ bytes: [UInt8]) throws(TLSError) {
        enqueue(bytes)
        try flush()
    }

    /// Appends to the output buffer without writing, unless the buffer exceeds 64 KiB.
    /// A failure of that automatic write is reported by the next `flush` or `write`.
    public func enqueue(_ bytes: [UInt8]) {
        guard !isClosed, !failed, writeFailure == nil else { return }
        output.append(contentsOf: bytes)
        if output.count > Self.outputFlushThreshold {
            do { try flush() } catch { writeFailure = error }
        }
    }

    /// True once a write has failed or timed out (the peer stopped reading or went away).
    /// Output is bounded: `enqueue` writes whenever more than 64 KiB is queued, so a peer that
    /// never reads blocks that write until the idle timeout, after which this turns true, later
    /// output is dropped, and the caller should stop serving the connection.
    public var hasWriteFailure: Bool { writeFailure != nil }

    /// Writes the output buffer.
    public func flush() throws(TLSError) {
        if let writeFailure { throw writeFailure }
        guard !output.isEmpty else { return }
        guard !isClosed else { throw TLSError(kind: .closed, operation: "write", details: ["the connection is closed"]) }
        guard !failed else { throw TLSError(kind: .closed, operation: "write", details: ["the connection failed earlier"]) }
        let deadline = IODeadline(secondsFromNow: idleTimeout)
        let failure = output.withUnsafeBytes { bytes in sendAll(bytes, until: deadline) }
        output.removeAll(keepingCapacity: output.capacity <= 4 * Self.outputFlushThreshold)
        if let failure {
            failed = true
            writeFailure = failure
            throw failure
        }
    }

    /// Writes every byte, retrying a blocked write with the same arguments as OpenSSL requires.
    private func sendAll(_ bytes: UnsafeRawBufferPointer, until deadline: IODeadline) -> TLSError? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let length = Int32(min(bytes.count - offset, Int(Int32.max)))
            ERR_clear_error()
            let written = SSL_write(ssl, base + offset, length)
            if written > 0 {
                offset += Int(written)
                continue
            }
            let code = SSL_get_error(ssl, written)
            switch code {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                let direction: SocketWait.Direction = code == SSL_ERROR_WANT_READ ? .readable : .writable
                if SocketWait.wait(socket, for: direction, until: deadline) == .timedOut {
                    ERR_clear_error()
                    return TLSError(kind: .timeout, operation: "write", details: ["the peer did not accept data within the idle timeout"])
                }
            default:
                return TLSError.drainingQueue(.io, "write", extra: Self.systemErrorText(code))
            }
        }
        return nil
    }

    // MARK: Closing

    /// Closes the connection: writes queued output and sends close_notify only after a clean
    /// session (never after a fatal error), discards unread input briefly so the last reply is
    /// not lost to a reset, then closes the socket. Idempotent.
    public func close() {
        guard !isClosed else { return }
        if !failed && writeFailure == nil {
            try? flush()
        }
        if !failed && writeFailure == nil {
            sendCloseNotify()
        }
        let linger = rejectedLine || SocketWait.isReadableNow(socket)
        _ = shutdown(socket, Int32(SHUT_WR))
        if linger { discardInput() }
        isClosed = true
        SSL_free(ssl)
        NetworkPosix.closeDescriptor(socket)
    }

    /// Sends our close_notify without waiting for the peer's.
    private func sendCloseNotify() {
        let deadline = IODeadline(secondsFromNow: min(idleTimeout, 1))
        while true {
            ERR_clear_error()
            let result = SSL_shutdown(ssl)
            if result >= 0 { break }
            guard SSL_get_error(ssl, result) == SSL_ERROR_WANT_WRITE,
                  SocketWait.wait(socket, for: .writable, until: deadline) == .ready else { break }
        }
        ERR_clear_error()
    }

    /// Reads and drops raw input until EOF, a time limit or a byte limit.
    private func discardInput() {
        let deadline = IODeadline(secondsFromNow: Self.lingerSeconds)
        var discarded = 0
        while discarded < Self.lingerMaximumBytes {
            guard SocketWait.wait(socket, for: .readable, until: deadline) == .ready else { return }
            let count = recv(socket, readScratch.baseAddress, readScratch.count, 0)
            if count < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) { continue }
            if count <= 0 { return }
            discarded += count
        }
    }

    /// The system error behind `SSL_ERROR_SYSCALL`, as text; nil for other error codes.
    static func systemErrorText(_ code: Int32) -> String? {
        guard code == SSL_ERROR_SYSCALL else { return nil }
        let number = errno
        return number == 0 ? "the peer closed the connection" : NetworkPosix.errorText(number)
    }
}
