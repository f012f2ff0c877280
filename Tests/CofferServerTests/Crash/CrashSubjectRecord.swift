/// What the crash harness knows about one subject a writer owns: the value of its last
/// acknowledged `SET` and the value of a `SET` that was sent but not answered when the server
/// was killed. Every `SET` writes the same value to fields `a` and `b`, so a write that is only
/// half there shows as two different values.
struct CrashSubjectRecord: Sendable, Equatable {
    /// The value of the last `SET` answered `OK`; nil if none was.
    var acknowledged: String?
    /// The value of the `SET` in flight when the connection died; nil if none was.
    var inFlight: String?

    /// What a subject read back after a restart shows.
    enum Observation: Sendable, Equatable {
        /// `EXPORT` answered `NOT_FOUND`.
        case notFound
        /// `EXPORT` answered these fields.
        case fields([String: String])
    }

    /// The verdict on one subject after a restart.
    enum Verdict: Sendable, Equatable {
        /// The last acknowledged value is there.
        case acknowledgedPresent
        /// The unacknowledged write in flight was applied (allowed).
        case inFlightApplied
        /// Never acknowledged and absent (allowed).
        case absentNeverAcknowledged
        /// An acknowledged write is missing or was replaced by an older value: a lost write.
        case lost
        /// The fields are not one write's pair (`a` ≠ `b`, or extra or missing fields).
        case torn
    }

    /// Judges `observation` against the contract: every acknowledged value survives; an
    /// unacknowledged write may or may not be there; a value that is there is the latest
    /// acknowledged one or the later one in flight; a `SET` is all pairs or none.
    func judge(_ observation: Observation) -> Verdict {
        switch observation {
        case .notFound:
            return acknowledged == nil ? .absentNeverAcknowledged : .lost
        case .fields(let fields):
            guard fields.count == 2, let a = fields["a"], let b = fields["b"], a.utf8.elementsEqual(b.utf8) else {
                return .torn
            }
            if let acknowledged, a.utf8.elementsEqual(acknowledged.utf8) { return .acknowledgedPresent }
            if let inFlight, a.utf8.elementsEqual(inFlight.utf8) { return .inFlightApplied }
            return .lost
        }
    }

    /// The record once `observation` has been seen after a restart: what is on disk now is
    /// durable, so it becomes the value a later trial must find.
    func settled(by observation: Observation) -> CrashSubjectRecord {
        switch observation {
        case .notFound: return CrashSubjectRecord(acknowledged: nil, inFlight: nil)
        case .fields(let fields): return CrashSubjectRecord(acknowledged: fields["a"], inFlight: nil)
        }
    }
}
