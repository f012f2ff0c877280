/// The request kinds `coffer bench net` sends, in the order reports list them.
enum NetworkBenchmarkOperation: String, CaseIterable, Sendable {
    /// `SET <subject> <field> <value> …`: a durable write of one or more fields.
    case set
    /// `GET <subject> <field>`: one decrypted field.
    case get
    /// `EXPORT <subject>`: every field of a subject.
    case export
    /// `FIND <field> <value>`: a blind-index lookup (its first page). Servers without it answer
    /// `ERR UNKNOWN_COMMAND`, which the benchmark counts as unsupported, not as an error.
    case find

    /// Position in per-operation arrays.
    var index: Int {
        switch self {
        case .set: return 0
        case .get: return 1
        case .export: return 2
        case .find: return 3
        }
    }

    /// The verb on the wire, as reports print it.
    var verb: String { rawValue.uppercased() }

    /// True when `reply` (an `OK` line) has the shape CONTRACT.md §6 gives this command's
    /// success; anything else means the benchmark is not measuring what it claims to.
    func isExpectedSuccess(_ reply: String) -> Bool {
        switch self {
        case .set: return reply == "OK"
        case .get: return reply.hasPrefix("OK \"")
        case .export: return reply.hasPrefix("OK {")
        case .find: return reply.hasPrefix(#"OK {"subjects":["#)
        }
    }
}
