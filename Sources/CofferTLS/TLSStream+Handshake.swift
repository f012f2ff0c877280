import Foundation
import COpenSSL

extension TLSStream {
    /// Server side: runs the handshake on `socket` (connected, non-blocking) with `context`,
    /// abandoning it at `deadline` (`.timeout`) or when `wake` becomes readable (`.closed`).
    /// On failure `socket` stays open and the caller closes it.
    public convenience init(acceptingOn socket: Int32, context: TLSServerContext,
                            until deadline: IODeadline, wake: Int32? = nil) throws(TLSError) {
        let ssl = try Self.makeSSL(context: context.handle, socket: socket)
        do {
            try Self.handshake(ssl, socket: socket, accepting: true, until: deadline, wake: wake)
        } catch {
            SSL_free(ssl)
            throw error
        }
        self.init(handshaken: ssl, socket: socket)
    }

    /// Client side: runs the handshake on `socket` (connected, non-blocking) by `deadline`,
    /// verifying that the peer's chain leads to a certificate `context` trusts and that the
    /// leaf is for `serverName`: a DNS name (also sent as SNI; no partial wildcards) or an IP
    /// literal, IPv6 with or without brackets. A failed check is `.certificateVerification`.
    /// On failure `socket` stays open and the caller closes it.
    public convenience init(connectingOn socket: Int32, context: TLSClientContext, serverName: String,
                            until deadline: IODeadline) throws(TLSError) {
        let ssl = try Self.makeSSL(context: context.handle, socket: socket)
        do {
            try PeerNameCheck.expect(serverName, on: ssl)
            try Self.handshake(ssl, socket: socket, accepting: false, until: deadline, wake: nil)
        } catch {
            SSL_free(ssl)
            throw error
        }
        self.init(handshaken: ssl, socket: socket)
    }

    /// Client side after a plaintext exchange on the same socket (STARTTLS; PostgreSQL's
    /// `SSLRequest` answered by `S`): as `init(connectingOn:…)`, but first refuses a peer that
    /// has already sent bytes beyond the plaintext answer. Read that answer with
    /// `TCPSocket.receive(exactly:from:until:)`, which never reads past it: the bytes after it
    /// then either go through the verified handshake or are refused here, and none can be taken
    /// as if they had arrived under TLS (the flaw of CVE-2021-23222).
    public convenience init(startingTLSOn socket: Int32, context: TLSClientContext, serverName: String,
                            until deadline: IODeadline) throws(TLSError) {
        let pending = TCPSocket.pendingByteCount(socket)
        guard pending == 0 else {
            throw TLSError(kind: .handshake, operation: "start TLS",
                           details: ["the peer sent data before the TLS handshake"])
        }
        try self.init(connectingOn: socket, context: context, serverName: serverName, until: deadline)
    }

    /// A new `SSL *` on `socket` from the `SSL_CTX *` `context`, owned by the caller.
    private static func makeSSL(context: OpaquePointer, socket: Int32) throws(TLSError) -> OpaquePointer {
        TCPSocket.ignoreBrokenPipes()
        ERR_clear_error()
        guard let ssl = SSL_new(context) else {
            throw TLSError.drainingQueue(.handshake, "create connection")
        }
        guard SSL_set_fd(ssl, socket) == 1 else {
            let error = TLSError.drainingQueue(.handshake, "attach socket")
            SSL_free(ssl)
            throw error
        }
        return ssl
    }

    private static func handshake(_ ssl: OpaquePointer, socket: Int32, accepting: Bool,
                                  until deadline: IODeadline, wake: Int32?) throws(TLSError) {
        while true {
            ERR_clear_error()
            let result = accepting ? SSL_accept(ssl) : SSL_connect(ssl)
            if result == 1 { return }
            let direction: SocketWait.Direction
            switch SSLCallStatus(ssl: ssl, result: result) {
            case .wantRead:
                direction = .readable
            case .wantWrite:
                direction = .writable
            case .closeNotify:
                throw failure(ssl, accepting: accepting, details: ["the peer closed the connection"])
            case .unexpectedEOF(let details), .failed(let details):
                throw failure(ssl, accepting: accepting, details: details)
            }
            switch SocketWait.wait(socket, for: direction, until: deadline, wake: wake) {
            case .ready:
                continue
            case .timedOut:
                throw TLSError(kind: .timeout, operation: "handshake", details: ["not finished by the handshake deadline"])
            case .woken:
                throw TLSError(kind: .closed, operation: "handshake", details: ["abandoned: the wake-up descriptor fired"])
            }
        }
    }

    /// The error for a failed handshake: a certificate the client could not verify, or `details`.
    private static func failure(_ ssl: OpaquePointer, accepting: Bool, details: [String]) -> TLSError {
        let verification = accepting ? Int(X509_V_OK) : SSL_get_verify_result(ssl)
        guard verification == X509_V_OK else {
            let reason = String(cString: X509_verify_cert_error_string(verification))
            return TLSError(kind: .certificateVerification, operation: "verify the server certificate", details: details + [reason])
        }
        return TLSError(kind: .handshake, operation: "handshake", details: details)
    }
}
