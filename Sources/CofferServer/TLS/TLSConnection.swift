import Foundation
import COpenSSL
import CofferTLS

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

    /// The TLS session; closed by `close`.
    private let stream: TLSStream
    private let idleTimeout: Double
    private let drain: DrainSignal
    private let readScratch: UnsafeMutableRawBufferPointer
    private var input = LineBuffer()
    private var output: [UInt8] = []
    /// A write failure from an automatic flush in `enqueue`, reported by the next `flush`/`write`.
    private var writeFailure: TLSError?
    /// No more input will arrive (close_notify, EOF, reset or fatal error).
    private var inputEnded = false
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
        let stream: TLSStream
        do {
            stream = try TLSStream(acceptingOn: socket, context: context, until: handshakeDeadline, wake: drain.readDescriptor)
        } catch {
            handshakeEnded()
            NetworkPosix.closeDescriptor(socket)
            throw error
        }
        handshakeEnded()
        self.stream = stream
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
        let result: TLSStream.ReadResult
        do {
            result = try stream.read(into: readScratch, until: deadline, wake: wakeOnDrain ? drain.readDescriptor : nil)
        } catch {
            // A reset or a protocol error: nothing more to say to this peer (the stream is failed).
            inputEnded = true
            return .ended
        }
        switch result {
        case .received(let count):
            input.append(UnsafeRawBufferPointer(rebasing: readScratch[0..<count]))
            return .received
        case .closeNotify, .truncated:
            // close_notify is a clean end, answered by ours in `close`; an EOF without it
            // leaves the stream failed, so `close` sends nothing.
            inputEnded = true
            return .ended
        case .timedOut:
            return .timedOut
        case .woken:
            return .woken
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
        guard !isClosed, !stream.hasFailed, writeFailure == nil else { return }
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
        guard !stream.hasFailed else { throw TLSError(kind: .closed, operation: "write", details: ["the connection failed earlier"]) }
        let deadline = IODeadline(secondsFromNow: idleTimeout)
        let failure: TLSError?
        do { try stream.write(output, until: deadline); failure = nil } catch { failure = error }
        output.removeAll(keepingCapacity: output.capacity <= 4 * Self.outputFlushThreshold)
        if let failure {
            writeFailure = failure
            throw failure
        }
    }

    // MARK: Closing

    /// Closes the connection: writes queued output and sends close_notify only after a clean
    /// session (never after a fatal error), discards unread input briefly so the last reply is
    /// not lost to a reset, then closes the socket. Idempotent.
    public func close() {
        guard !isClosed else { return }
        if !stream.hasFailed && writeFailure == nil {
            try? flush()
        }
        if !stream.hasFailed && writeFailure == nil {
            stream.sendCloseNotify(until: IODeadline(secondsFromNow: min(idleTimeout, 1)))
        }
        let linger = rejectedLine || SocketWait.isReadableNow(stream.socket)
        _ = shutdown(stream.socket, Int32(SHUT_WR))
        if linger { discardInput() }
        isClosed = true
        stream.close()
    }

    /// Reads and drops raw input until EOF, a time limit or a byte limit.
    private func discardInput() {
        let deadline = IODeadline(secondsFromNow: Self.lingerSeconds)
        var discarded = 0
        while discarded < Self.lingerMaximumBytes {
            guard SocketWait.wait(stream.socket, for: .readable, until: deadline) == .ready else { return }
            let count = recv(stream.socket, readScratch.baseAddress, readScratch.count, 0)
            if count < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) { continue }
            if count <= 0 { return }
            discarded += count
        }
    }
}
