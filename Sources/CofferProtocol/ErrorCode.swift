/// The error codes of the contract (CONTRACT.md §3); the raw value is the wire spelling.
public enum ErrorCode: String, Sendable, CaseIterable {
    /// Malformed line, wrong number of arguments, bad token. The connection stays open.
    case syntax = "SYNTAX"
    /// The line is over `limits.maxLineBytes`. The connection is closed.
    case tooLong = "TOO_LONG"
    /// No such verb or sub-verb.
    case unknownCommand = "UNKNOWN_COMMAND"
    /// The command needs an authenticated session.
    case authRequired = "AUTH_REQUIRED"
    /// Unknown, revoked or replaced token.
    case authFailed = "AUTH_FAILED"
    /// The session's role or the tenant policy does not allow this.
    case forbidden = "FORBIDDEN"
    /// No such tenant, subject or field.
    case notFound = "NOT_FOUND"
    /// It already exists.
    case exists = "EXISTS"
    /// An argument breaks a rule: identifier syntax, value size, policy name.
    case invalid = "INVALID"
    /// The server is at its connection limit.
    case busy = "BUSY"
    /// An unexpected failure, logged on the server.
    case `internal` = "INTERNAL"

    /// A short generic message for this code, used where a reply would otherwise carry
    /// an empty message (the contract requires every `ERR` to carry a non-empty one).
    public var defaultMessage: String {
        switch self {
        case .syntax: return "malformed request"
        case .tooLong: return "request line too long"
        case .unknownCommand: return "unknown command"
        case .authRequired: return "authentication required"
        case .authFailed: return "authentication failed"
        case .forbidden: return "not allowed"
        case .notFound: return "not found"
        case .exists: return "already exists"
        case .invalid: return "invalid argument"
        case .busy: return "server busy"
        case .internal: return "internal error"
        }
    }
}
