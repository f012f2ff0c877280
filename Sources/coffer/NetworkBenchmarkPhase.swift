/// The outcome of one phase of `coffer bench net` (loading, or the measured run): what every
/// client saw, merged, and the wall-clock time from the common start until the last client
/// received its last reply.
struct NetworkBenchmarkPhase: Sendable {
    /// Counts and latencies of all clients together.
    let tally: NetworkBenchmarkTally
    /// Seconds from the start signal to the last reply.
    let seconds: Double

    /// `count` per second of this phase (0 for an empty phase).
    func rate(_ count: Int) -> Double {
        seconds > 0 ? Double(count) / seconds : 0
    }
}
