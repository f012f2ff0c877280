/// What a crash run did and found; `summary` is the line the long run prints and
/// `docs/RELIABILITY.md` quotes.
struct CrashFigures: Sendable {
    var trials = 0
    var trialsByVariant: [CrashVariant: Int] = [:]
    var acknowledgedWrites = 0
    /// Subjects read back after a restart, by verdict.
    var verdicts: [CrashSubjectRecord.Verdict: Int] = [:]
    var acknowledgedRotations = 0
    var shredsAcknowledged = 0
    var unacknowledgedShredsApplied = 0
    var unacknowledgedShredsNotApplied = 0
    var integrityChecks = 0
    var integrityFailures = 0
    /// Every breach of a promise, in words without any value or token.
    var failures: [String] = []

    var lost: Int { verdicts[.lost, default: 0] }
    var torn: Int { verdicts[.torn, default: 0] }

    var summary: String {
        let variants = CrashVariant.allCases.map { "\($0.rawValue) \(trialsByVariant[$0, default: 0])" }.joined(separator: ", ")
        return "crash harness: \(trials) kill -9 trials (\(variants)); "
            + "\(acknowledgedWrites) acknowledged writes, \(lost) lost, \(torn) torn; "
            + "read back: \(verdicts[.acknowledgedPresent, default: 0]) at their acknowledged value, "
            + "\(verdicts[.inFlightApplied, default: 0]) with the unacknowledged write applied, "
            + "\(verdicts[.absentNeverAcknowledged, default: 0]) never acknowledged and absent; "
            + "\(acknowledgedRotations) rotations acknowledged; tenant shreds: \(shredsAcknowledged) acknowledged and gone, "
            + "\(unacknowledgedShredsApplied) unacknowledged but applied, \(unacknowledgedShredsNotApplied) unacknowledged and whole; "
            + "integrity_check ok \(integrityChecks - integrityFailures) of \(integrityChecks); \(failures.count) failures"
    }
}
