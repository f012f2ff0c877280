import Foundation
import COpenSSL

/// A blocking TLS client for the Coffer line protocol. Used from one thread at a time.
///
/// `init` connects and handshakes, verifying the server certificate against the trusted
/// certificate (or the system store) and the expected host name or IP address.
/// Each call is bounded by `ClientConfiguration.timeoutSeconds`.
public final class CofferConnection {
    /// The configuration this connection was made with.
    public let configuration: ClientConfiguration

    private let socket: Int32
    /// The `SSL *`; freed by `close`.
    private let ssl: OpaquePointer
    private let readScratch: UnsafeMutableRawBufferPointer
    private var input = ReplyBuffer()
    private var inputEnded = false
    /// A fatal TLS error or a timeout: the connection must not be used or shut down cleanly.
    private var failed = false
    private var isClosed = false

    /// Connects to the server and completes the TLS handshake.
    ///
    /// Also makes the process ignore SIGPIPE: OpenSSL writes to the socket with plain `write`,
    /// and a server that has closed the connection must produce an error, not kill the client.
    public init(configuration: ClientConfiguration) throws(ClientError) {
        signal(SIGPIPE, SIG_IGN)
        guard (1...65_535).contains(configuration.port) else {
            throw ClientError(kind: .invalidConfiguration, message: "the port must be between 1 and 65535")
        }
        guard configuration.timeoutSeconds > 0, configuration.maxReplyBytes > 0 else {
            throw ClientError(kind: .invalidConfiguration, message: "timeoutSeconds and maxReplyBytes must be positive")
        }
        let deadline = ClientSocket.Deadline(secondsFromNow: configuration.timeoutSeconds)
        let socket = try ClientSocket.open(host: configuration.host, port: configuration.port, from: configuration.sourceAddress, until: deadline)
        do {
            ssl = try ClientTLSSetup.connect(socket, configuration: configuration, until: deadline)
        } catch {
            ClientSocket.closeDescriptor(socket)
            throw error
        }
        self.socket = socket
        self.configuration = configuration
        self.readScratch = .allocate(byteCount: 16 * 1024, alignment: 16)
    }

    deinit {
        close()
        // The scratch buffer held decrypted replies (personal data); clear it before release.
        OPENSSL_cleanse(readScratch.baseAddress, readScratch.count)
        readScratch.deallocate()
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
        let deadline = ClientSocket.Deadline(secondsFromNow: configuration.timeoutSeconds)
        let failure: ClientError? = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var offset = 0
            while offset < buffer.count {
                let length = Int32(min(buffer.count - offset, Int(Int32.max)))
                ERR_clear_error()
                let written = SSL_write(ssl, base + offset, length)
                if written > 0 {
                    offset += Int(written)
                    continue
                }
                let code = SSL_get_error(ssl, written)
                guard code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE else {
                    return ClientError.drainingQueue(.io, "cannot send to the server", extra: systemErrorText(code))
                }
                guard ClientSocket.wait(socket, writable: code == SSL_ERROR_WANT_WRITE, until: deadline) else {
                    ERR_clear_error()
                    return ClientError(kind: .timeout, message: "the server did not accept data within \(configuration.timeoutSeconds) s")
                }
            }
            return nil
        }
        if let failure {
            failed = true
            throw failure
        }
    }

    /// Reads the next reply line without its LF; nil when the server has closed the connection
    /// (a partial line before the close is dropped).
    public func readReplyLine() throws(ClientError) -> String? {
        guard !isClosed else { throw ClientError(kind: .closed, message: "the connection is closed") }
        let deadline = ClientSocket.Deadline(secondsFromNow: configuration.timeoutSeconds)
        while true {
            if let line = input.nextLine() {
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
    private func receive(until deadline: ClientSocket.Deadline) throws(ClientError) {
        while true {
            ERR_clear_error()
            let count = SSL_read(ssl, readScratch.baseAddress, Int32(readScratch.count))
            if count > 0 {
                input.append(UnsafeRawBufferPointer(rebasing: readScratch[0..<Int(count)]))
                return
            }
            let code = SSL_get_error(ssl, count)
            switch code {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                guard ClientSocket.wait(socket, writable: code == SSL_ERROR_WANT_WRITE, until: deadline) else {
                    ERR_clear_error()
                    throw ClientError(kind: .timeout, message: "no reply within \(configuration.timeoutSeconds) s")
                }
            case SSL_ERROR_ZERO_RETURN:
                inputEnded = true
                return
            default:
                let reason = ERR_GET_REASON(ERR_peek_error())
                let systemError = errno
                inputEnded = true
                failed = true
                // A close without close_notify is still an end of input for a line protocol:
                // a truncated line is never returned, so nothing can be misread.
                if (code == SSL_ERROR_SSL && reason == SSL_R_UNEXPECTED_EOF_WHILE_READING)
                    || (code == SSL_ERROR_SYSCALL && systemError == 0) {
                    ERR_clear_error()
                    return
                }
                throw ClientError.drainingQueue(.closed, "the connection failed", extra: systemErrorText(code))
            }
        }
    }

    /// Sends close_notify after a clean session (never after a fatal error) and closes the
    /// socket. Idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        if !failed {
            ERR_clear_error()
            _ = SSL_shutdown(ssl)
            ERR_clear_error()
        }
        SSL_free(ssl)
        ClientSocket.closeDescriptor(socket)
    }

    private func systemErrorText(_ code: Int32) -> String? {
        guard code == SSL_ERROR_SYSCALL else { return nil }
        return errno == 0 ? "the server closed the connection" : String(cString: strerror(errno))
    }
}
