import Foundation
import COpenSSL
import CofferTLS

/// A blocking TLS client for the Coffer line protocol. Used from one thread at a time.
///
/// `init` connects and handshakes, verifying the server certificate against the trusted
/// certificate (or the system store) and the expected host name or IP address.
/// Each call is bounded by `ClientConfiguration.timeoutSeconds`.
public final class CofferConnection {
    /// The configuration this connection was made with.
    public let configuration: ClientConfiguration

    /// The TLS session; closed by `close`.
    private let stream: TLSStream
    private let readScratch: UnsafeMutableRawBufferPointer
    private var input = LineBuffer()
    private var inputEnded = false
    /// A fatal TLS error, a failed send or an oversized reply: the connection must not be used
    /// or shut down cleanly.
    private var failed = false
    private var isClosed = false

    /// Connects to the server and completes the TLS handshake. (Like every `TLSStream`, this
    /// makes the process ignore SIGPIPE, so a server that has gone away is an error, not a kill.)
    public init(configuration: ClientConfiguration) throws(ClientError) {
        guard (1...65_535).contains(configuration.port) else {
            throw ClientError(kind: .invalidConfiguration, message: "the port must be between 1 and 65535")
        }
        guard configuration.timeoutSeconds > 0, configuration.maxReplyBytes > 0 else {
            throw ClientError(kind: .invalidConfiguration, message: "timeoutSeconds and maxReplyBytes must be positive")
        }
        let deadline = IODeadline(secondsFromNow: configuration.timeoutSeconds)
        let socket: Int32
        do {
            socket = try TCPSocket.connect(host: configuration.host, port: configuration.port, from: configuration.sourceAddress, until: deadline)
        } catch {
            throw ClientError(error, message: "cannot \(error.operation)")
        }
        do {
            stream = try Self.handshake(socket, configuration: configuration, until: deadline)
        } catch {
            NetworkPosix.closeDescriptor(socket)
            throw error
        }
        self.configuration = configuration
        self.readScratch = .allocate(byteCount: 16 * 1024, alignment: 16)
    }

    deinit {
        close()
        // The scratch buffer held decrypted replies (personal data); clear it before release.
        OPENSSL_cleanse(readScratch.baseAddress, readScratch.count)
        readScratch.deallocate()
    }

    /// Runs the TLS handshake on `socket`, verifying the server's certificate against the
    /// trusted certificate (or the system store) and the expected host name or IP address.
    private static func handshake(_ socket: Int32, configuration: ClientConfiguration, until deadline: IODeadline) throws(ClientError) -> TLSStream {
        let context: TLSClientContext
        do {
            context = try TLSClientContext(configuration: TLSClientConfiguration(
                trustedCertificatesPath: configuration.trustedCertificatePath,
                minimumVersion: configuration.minimumVersion ?? .v1_2,
                maximumVersion: configuration.maximumVersion))
        } catch {
            throw ClientError(error, message: "cannot \(error.operation)")
        }
        do {
            return try TLSStream(connectingOn: socket, context: context, serverName: configuration.expectedServerName, until: deadline)
        } catch {
            switch error.kind {
            case .timeout: throw ClientError(error, message: "TLS handshake timed out")
            case .certificateVerification: throw ClientError(error, message: "server certificate verification failed")
            case .configuration: throw ClientError(error, message: "cannot \(error.operation)")
            default: throw ClientError(error, message: "TLS handshake failed")
            }
        }
    }

    /// Sends one request line (adding the LF) and returns the reply line without its LF.
    public func request(_ line: String) throws(ClientError) -> String {
        guard !line.utf8.contains(0x0A) else {
            throw ClientError(kind: .invalidRequest, message: "a request line must not contain a line feed")
        }
        try send(raw: Array(line.utf8) + [0x0A])
        guard let reply = try readReplyLine() else {
            throw ClientError(kind: .closed, message: "the server closed the connection without replying")
        }
        return reply
    }

    /// Sends raw bytes as they are (for pipelining and for tests of malformed input).
    public func send(raw bytes: [UInt8]) throws(ClientError) {
        guard !isClosed, !failed else {
            throw ClientError(kind: .closed, message: "the connection is closed")
        }
        do {
            try stream.write(bytes, until: IODeadline(secondsFromNow: configuration.timeoutSeconds))
        } catch {
            failed = true
            throw error.kind == .timeout
                ? ClientError(error, message: "the server did not accept data within \(configuration.timeoutSeconds) s")
                : ClientError(error, message: "cannot send to the server")
        }
    }

    /// Reads the next reply line without its LF; nil when the server has closed the connection
    /// (a partial line before the close is dropped).
    public func readReplyLine() throws(ClientError) -> String? {
        guard !isClosed else { throw ClientError(kind: .closed, message: "the connection is closed") }
        let deadline = IODeadline(secondsFromNow: configuration.timeoutSeconds)
        while true {
            // No limit here: the reply bound is checked below, with the client's own messages.
            if case .line(let line) = input.nextLine(limit: Int.max) {
                guard line.count <= configuration.maxReplyBytes, let text = String(bytes: line, encoding: .utf8) else {
                    throw ClientError(kind: .invalidReply, message: "the reply is longer than \(configuration.maxReplyBytes) bytes or not UTF-8")
                }
                return text
            }
            guard input.count <= configuration.maxReplyBytes else {
                failed = true
                throw ClientError(kind: .invalidReply, message: "the reply is longer than \(configuration.maxReplyBytes) bytes")
            }
            guard !inputEnded, !failed else { return nil }
            try receive(until: deadline)
        }
    }

    /// Reads one chunk into `input`, or marks the input ended.
    private func receive(until deadline: IODeadline) throws(ClientError) {
        let result: TLSStream.ReadResult
        do {
            result = try stream.read(into: readScratch, until: deadline)
        } catch {
            inputEnded = true
            failed = true
            throw ClientError(error, message: "the connection failed", kind: .closed)
        }
        switch result {
        case .received(let count):
            input.append(UnsafeRawBufferPointer(rebasing: readScratch[0..<count]))
        case .closeNotify:
            inputEnded = true
        case .truncated:
            // A close without close_notify is still an end of input for a line protocol:
            // a truncated line is never returned, so nothing can be misread.
            inputEnded = true
            failed = true
        case .timedOut, .woken:
            throw ClientError(kind: .timeout, message: "no reply within \(configuration.timeoutSeconds) s")
        }
    }

    /// Sends close_notify after a clean session (never after a fatal error), without waiting
    /// for a server that does not read, and closes the socket. Idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        if !failed {
            stream.sendCloseNotify(until: IODeadline(secondsFromNow: 0))
        }
        stream.close()
    }
}
