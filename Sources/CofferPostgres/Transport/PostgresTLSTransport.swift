import Foundation
import COpenSSL
import CCofferShims

/// TLS over the TCP socket that `SSLRequest` was answered `S` on, verified like libpq's
/// `sslmode=verify-full`: the chain must lead to a certificate in `caFile`, and the leaf must
/// name the host (`SSL_set1_host`, with SNI) or, for an IP literal, carry that address
/// (`X509_VERIFY_PARAM_set1_ip_asc`). TLS 1.2 or later, AEAD ciphers with ECDHE only.
///
/// Written against OpenSSL directly, behind `PostgresTransport`, so that it can be replaced by
/// the shared `CofferTLS` client stream without touching the connection.
final class PostgresTLSTransport: PostgresTransport {
    private let socket: Int32
    private let ssl: OpaquePointer
    private var isClosed = false
    /// After a fatal error no close_notify is sent.
    private var failed = false

    /// TLS 1.2 cipher list (TLS 1.3 suites are all AEAD already).
    private static let tls12CipherList =
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" +
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:" +
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"

    /// Handshakes on `socket` (made non-blocking) by `deadline`. On success the transport owns the socket; on
    /// failure the caller still does. Ignores SIGPIPE process-wide: OpenSSL writes with plain
    /// `write`, and a server that went away must cause an error, not kill the process.
    init(socket: Int32, serverName: String, caFile: String, until deadline: PostgresDeadline) throws(PostgresError) {
        signal(SIGPIPE, SIG_IGN)
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        ERR_clear_error()
        let context = try Self.makeContext(caFile: caFile)
        defer { SSL_CTX_free(context) }   // the SSL object keeps its own reference
        guard let ssl = SSL_new(context) else { throw .tlsHandshake(Self.drainErrors("SSL_new")) }
        do {
            try Self.expect(serverName: serverName, on: ssl, socket: socket)
            try Self.handshake(ssl, socket: socket, until: deadline)
        } catch {
            SSL_free(ssl)
            throw error
        }
        self.ssl = ssl
        self.socket = socket
    }

    deinit { close() }

    private static func makeContext(caFile: String) throws(PostgresError) -> OpaquePointer {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw .tlsHandshake(drainErrors("SSL_CTX_new")) }
        _ = coffer_ssl_ctx_set_options(context, coffer_ssl_hardening_options())
        guard coffer_ssl_ctx_set_min_proto_version(context, coffer_tls1_2_version()) == 1,
              SSL_CTX_set_cipher_list(context, tls12CipherList) == 1 else {
            SSL_CTX_free(context)
            throw .tlsHandshake(drainErrors("the TLS version and cipher settings"))
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard SSL_CTX_load_verify_file(context, caFile) == 1 else {
            SSL_CTX_free(context)
            throw .invalidConfiguration("cannot load the CA file \(caFile): \(drainErrors("SSL_CTX_load_verify_file"))")
        }
        return context
    }

    private static func expect(serverName: String, on ssl: OpaquePointer, socket: Int32) throws(PostgresError) {
        guard SSL_set_fd(ssl, socket) == 1 else { throw .tlsHandshake(drainErrors("SSL_set_fd")) }
        let parameters = SSL_get0_param(ssl)
        X509_VERIFY_PARAM_set_hostflags(parameters, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        let literal = serverName.hasPrefix("[") && serverName.hasSuffix("]") ? String(serverName.dropFirst().dropLast()) : serverName
        if isIPAddress(literal) {
            guard X509_VERIFY_PARAM_set1_ip_asc(parameters, literal) == 1 else {
                throw .invalidConfiguration("cannot expect the IP address \(literal): \(drainErrors("X509_VERIFY_PARAM_set1_ip_asc"))")
            }
        } else {
            guard !serverName.isEmpty, SSL_set1_host(ssl, serverName) == 1, coffer_ssl_set_tlsext_host_name(ssl, serverName) == 1 else {
                throw .invalidConfiguration("cannot expect the host name \(serverName): \(drainErrors("SSL_set1_host"))")
            }
        }
    }

    private static func handshake(_ ssl: OpaquePointer, socket: Int32, until deadline: PostgresDeadline) throws(PostgresError) {
        while true {
            ERR_clear_error()
            let result = SSL_connect(ssl)
            if result == 1 { break }
            let code = SSL_get_error(ssl, result)
            switch code {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                guard PostgresSocket.wait(socket, writable: code == SSL_ERROR_WANT_WRITE, until: deadline) else {
                    ERR_clear_error()
                    throw .timeout(operation: "TLS handshake")
                }
            default:
                let verification = SSL_get_verify_result(ssl)
                if verification != X509_V_OK {
                    ERR_clear_error()
                    throw .certificateVerification(String(cString: X509_verify_cert_error_string(verification)))
                }
                let system = code == SSL_ERROR_SYSCALL ? (errno == 0 ? "the server closed the connection" : String(cString: strerror(errno))) : nil
                throw .tlsHandshake([drainErrors("SSL_connect"), system].compactMap { $0 }.joined(separator: "; "))
            }
        }
        // SSL_VERIFY_PEER already fails the handshake on a bad chain; check that a certificate
        // was presented and verified all the same, so no configuration slip can skip it.
        guard let certificate = SSL_get1_peer_certificate(ssl) else { throw .certificateVerification("the server presented no certificate") }
        X509_free(certificate)
        let verification = SSL_get_verify_result(ssl)
        guard verification == X509_V_OK else { throw .certificateVerification(String(cString: X509_verify_cert_error_string(verification))) }
    }

    func write(_ bytes: UnsafeRawBufferPointer, until deadline: PostgresDeadline) throws(PostgresError) {
        guard !isClosed, !failed else { throw .connectionUnusable }
        guard let base = bytes.baseAddress else { return }
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
            guard code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE else {
                failed = true
                throw ioError(code, operation: "SSL_write")
            }
            guard PostgresSocket.wait(socket, writable: code == SSL_ERROR_WANT_WRITE, until: deadline) else {
                failed = true
                ERR_clear_error()
                throw .timeout(operation: "write")
            }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, until deadline: PostgresDeadline) throws(PostgresError) -> Int {
        guard !isClosed, !failed else { throw .connectionUnusable }
        let length = Int32(min(buffer.count, Int(Int32.max)))
        while true {
            ERR_clear_error()
            let count = SSL_read(ssl, buffer.baseAddress, length)
            if count > 0 { return Int(count) }
            let code = SSL_get_error(ssl, count)
            switch code {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
                guard PostgresSocket.wait(socket, writable: code == SSL_ERROR_WANT_WRITE, until: deadline) else {
                    ERR_clear_error()
                    throw .timeout(operation: "read")
                }
            case SSL_ERROR_ZERO_RETURN:
                throw .connectionClosed(midMessage: false)
            default:
                failed = true
                throw ioError(code, operation: "SSL_read")
            }
        }
    }

    func hasPendingInputOrHangUp() -> Bool {
        isClosed || failed || SSL_pending(ssl) > 0 || PostgresSocket.isReadableOrHungUp(socket)
    }

    /// Sends close_notify after a clean session (never after a fatal error) and closes the socket.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        if !failed {
            ERR_clear_error()
            _ = SSL_shutdown(ssl)
            ERR_clear_error()
        }
        SSL_free(ssl)
        PostgresSocket.closeDescriptor(socket)
    }

    /// A closed connection (EOF without close_notify, reset) or another I/O failure.
    private func ioError(_ code: Int32, operation: String) -> PostgresError {
        let systemError = errno
        let reason = ERR_GET_REASON(ERR_peek_error())
        if (code == SSL_ERROR_SSL && reason == SSL_R_UNEXPECTED_EOF_WHILE_READING)
            || (code == SSL_ERROR_SYSCALL && (systemError == 0 || systemError == ECONNRESET || systemError == EPIPE)) {
            ERR_clear_error()
            return .connectionClosed(midMessage: false)
        }
        let system = code == SSL_ERROR_SYSCALL ? String(cString: strerror(systemError)) : nil
        return .io([Self.drainErrors(operation), system].compactMap { $0 }.joined(separator: "; "))
    }

    /// The thread's OpenSSL error queue as text, emptied (it is per thread, and a stale entry
    /// would be blamed on the next call).
    private static func drainErrors(_ operation: String) -> String {
        var lines: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            lines.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        ERR_clear_error()
        return lines.isEmpty ? "\(operation) failed" : "\(operation): " + lines.joined(separator: "; ")
    }

    /// True for an IPv4 or IPv6 literal.
    static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
