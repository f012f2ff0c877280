/// Every failure of the PostgreSQL client.
///
/// No case carries a bound value, a row, the password or anything derived from it: the texts
/// name the operation, the host and port, and PostgreSQL's own error fields (see
/// `PostgresServerError` for which of those are kept).
public enum PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration cannot work (no CA file for TCP, a port out of range, an empty password...).
    case invalidConfiguration(String)
    /// No connection could be made to `host`:`port`; `reason` is the system's.
    case connect(host: String, port: Int, reason: String)
    /// The server answered `N` (or something else than `S`) to `SSLRequest`: it does not offer TLS.
    case tlsNotOffered(host: String, port: Int)
    /// The TLS handshake failed for a reason other than certificate verification.
    case tlsHandshake(String)
    /// The server's certificate does not lead to `caFile` or does not name the host.
    case certificateVerification(String)
    /// The server asked for an authentication method other than SCRAM-SHA-256 (cleartext, MD5,
    /// GSS, SSPI, Kerberos, none at all...); nothing was sent.
    case authenticationMethodRefused(String)
    /// The SCRAM exchange failed on the client's side: a malformed server message, a nonce that
    /// does not extend ours, an iteration count out of bounds, or a server signature that does
    /// not match (the server does not know the password).
    case authenticationFailed(String)
    /// The server refused the credentials or the connection during startup (SQLSTATE class 28).
    case authenticationRejected(PostgresServerError)
    /// The password cannot be used with this client (see `SCRAMPassword`).
    case unsupportedPassword(String)
    /// The server answered a query (or the startup) with `ErrorResponse`. The connection is
    /// usable again (unless it was broken for another reason).
    case server(PostgresServerError)
    /// `operation` did not complete by its deadline. The connection is broken.
    case timeout(operation: String)
    /// The server closed the connection; `midMessage` when a message was cut short.
    case connectionClosed(midMessage: Bool)
    /// Reading or writing the socket failed (reset, TLS error...).
    case io(String)
    /// The server sent something the protocol does not allow at that point.
    case protocolViolation(String)
    /// A backend message announced more than the configured maximum length.
    case messageTooLarge(length: Int, maximum: Int)
    /// The request cannot be encoded (a NUL byte in SQL, too many parameters...).
    case invalidRequest(String)
    /// A column could not be read as the type asked for.
    case decoding(String)
    /// The connection was used after it broke or was closed.
    case connectionUnusable
    /// The pool could not hand out a connection: storage was unreachable at the last attempt,
    /// and the next attempt is not due yet. `reason` is that attempt's error.
    case unavailable(reason: String)
    /// No connection became free before the deadline.
    case poolTimeout
    /// The pool is closed.
    case poolClosed

    public var description: String {
        switch self {
        case .invalidConfiguration(let why): return "invalid PostgreSQL configuration: \(why)"
        case .connect(let host, let port, let reason): return "cannot connect to PostgreSQL at \(host):\(port): \(reason)"
        case .tlsNotOffered(let host, let port): return "PostgreSQL at \(host):\(port) does not offer TLS; refusing to connect without it"
        case .tlsHandshake(let why): return "TLS handshake with PostgreSQL failed: \(why)"
        case .certificateVerification(let why): return "PostgreSQL's certificate verification failed: \(why)"
        case .authenticationMethodRefused(let method): return "PostgreSQL asked for \(method) authentication; only SCRAM-SHA-256 is accepted"
        case .authenticationFailed(let why): return "SCRAM-SHA-256 authentication failed: \(why)"
        case .authenticationRejected(let error): return "PostgreSQL refused the login: \(error)"
        case .unsupportedPassword(let why): return "the PostgreSQL password cannot be used: \(why)"
        case .server(let error): return "PostgreSQL: \(error)"
        case .timeout(let operation): return "PostgreSQL \(operation) timed out"
        case .connectionClosed(let midMessage):
            return midMessage ? "PostgreSQL closed the connection in the middle of a message" : "PostgreSQL closed the connection"
        case .io(let why): return "PostgreSQL connection failed: \(why)"
        case .protocolViolation(let why): return "PostgreSQL protocol violation: \(why)"
        case .messageTooLarge(let length, let maximum): return "PostgreSQL sent a \(length)-byte message; the limit is \(maximum)"
        case .invalidRequest(let why): return "invalid PostgreSQL request: \(why)"
        case .decoding(let why): return "cannot decode a PostgreSQL value: \(why)"
        case .connectionUnusable: return "the PostgreSQL connection is closed or broken"
        case .unavailable(let reason): return "PostgreSQL is unavailable: \(reason)"
        case .poolTimeout: return "no PostgreSQL connection became free in time"
        case .poolClosed: return "the PostgreSQL connection pool is closed"
        }
    }

    /// The SQLSTATE of a server error, if this is one.
    public var sqlState: String? {
        switch self {
        case .server(let error), .authenticationRejected(let error): return error.sqlState
        default: return nil
        }
    }

    /// True when the error says that storage cannot be reached right now, rather than that a
    /// request was wrong: no connection, a timeout, a session cut off, the pool backing off or
    /// exhausted, or a server error of class 08 (connection exception), 53 (insufficient
    /// resources: too many connections, out of memory or disk) or 57P01–57P05 (shutdown,
    /// crash, recovery). What CONTRACT.md section 9 answers with `ERR UNAVAILABLE`.
    public var isUnavailability: Bool {
        switch self {
        case .connect, .timeout, .connectionClosed, .io, .unavailable, .poolTimeout, .tlsHandshake:
            return true
        case .server(let error):
            return ["08", "53"].contains(error.sqlStateClass) || ["57P01", "57P02", "57P03", "57P04", "57P05"].contains(error.sqlState)
        default:
            return false
        }
    }
}
