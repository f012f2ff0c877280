import Synchronization

/// The harness's shared record of what the server acknowledged, written by the writer and
/// disturber threads of a trial and read by the checks after the restart.
final class CrashLedger: Sendable {
    struct State: Sendable {
        var subjects: [String: CrashSubjectRecord] = [:]
        /// Harness problems noticed on other threads (unexpected replies), reported by the test.
        var problems: [String] = []
        var acknowledgedWrites = 0
        /// Writes answered `ERR INTERNAL` (the disk-full test): they must have changed nothing.
        var refusedWrites = 0
        /// The highest acknowledged version per rotation command (`KEY ROTATE`, `MASTER ROTATE`).
        var rotationVersions: [String: Int] = [:]
        var acknowledgedRotations = 0
        /// Whether this trial's `TENANT SHRED` was answered `OK`.
        var shredAcknowledged = false
    }

    private let state = Mutex(State())

    /// A `SET` of `value` to `subject` is about to be sent.
    func willWrite(_ subject: String, value: String) {
        state.withLock { $0.subjects[subject, default: CrashSubjectRecord()].inFlight = value }
    }

    /// The `SET` of `value` to `subject` was answered `OK`.
    func acknowledged(_ subject: String, value: String) {
        state.withLock {
            $0.subjects[subject] = CrashSubjectRecord(acknowledged: value, inFlight: nil)
            $0.acknowledgedWrites += 1
        }
    }

    /// The `SET` to `subject` was answered `ERR INTERNAL`, which promises that nothing changed:
    /// its value must not be found later.
    func refused(_ subject: String) {
        state.withLock {
            $0.subjects[subject]?.inFlight = nil
            $0.refusedWrites += 1
        }
    }

    /// A rotation answered `OK {"version":n}`: the version must be above every version
    /// acknowledged before, in this run of the server or an earlier one.
    func rotationAcknowledged(_ command: String, version: Int?) {
        state.withLock {
            $0.acknowledgedRotations += 1
            guard let version else { return }
            if let previous = $0.rotationVersions[command], version <= previous {
                $0.problems.append("\(command) answered version \(version) after version \(previous) was acknowledged")
            }
            $0.rotationVersions[command] = max(version, $0.rotationVersions[command] ?? 0)
        }
    }

    func shredWasAcknowledged() {
        state.withLock { $0.shredAcknowledged = true }
    }

    func problem(_ text: String) {
        state.withLock { $0.problems.append(text) }
    }

    /// A copy of the state.
    var snapshot: State { state.withLock { $0 } }

    /// Replaces the subjects' records after a restart's check.
    func settle(_ subjects: [String: CrashSubjectRecord]) {
        state.withLock { $0.subjects = subjects }
    }

    /// Clears the shred flag at the start of a trial.
    func startTrial() {
        state.withLock { $0.shredAcknowledged = false }
    }
}
