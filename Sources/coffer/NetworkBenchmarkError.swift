import CofferClient

/// Why `coffer bench net` stopped. No case carries a token or a stored value: replies are
/// reduced to their error code and message (which CONTRACT.md §3 keeps free of personal data).
enum NetworkBenchmarkError: Error, CustomStringConvertible {
    /// A connection failed (connect, handshake, send, read or timeout).
    case client(ClientError)
    /// The server closed a connection while replies were still owed.
    case closedEarly(String)
    /// A setup step was answered with an `ERR`: the step, and the reply's code and message.
    case refused(step: String, reply: String)
    /// A setup step was answered with an `OK` the benchmark cannot use.
    case unexpectedReply(step: String)
    /// The token file could not be read.
    case tokenFile(String)
    /// The in-process server (`--start-server`) could not start.
    case server(String)

    var description: String {
        switch self {
        case .client(let error): return "connection failed: \(error)"
        case .closedEarly(let step): return "the server closed the connection during \(step)"
        case .refused(let step, let reply): return "\(step) was refused: \(reply)"
        case .unexpectedReply(let step): return "\(step) answered a reply of an unexpected shape"
        case .tokenFile(let reason): return "cannot read the token file: \(reason)"
        case .server(let reason): return "cannot start the in-process server: \(reason)"
        }
    }

    /// An `ERR` reply cut to its code and message (the whole line, which carries no secret);
    /// any other reply is not shown at all, since an `OK` may hold a token.
    static func refusal(_ step: String, _ reply: String) -> NetworkBenchmarkError {
        reply.hasPrefix("ERR ") ? .refused(step: step, reply: ReplyDisplay.text(reply)) : .unexpectedReply(step: step)
    }
}
