/// The part of a SET that needs no write lock, done on the connection's thread before the write
/// reaches the writer: the subject's id, its values sealed under its current data key, and their
/// FIND digests.
///
/// The writer is the one thread that can write, and under a write load it is the bottleneck
/// while the connection threads wait; sealing and digesting there made up about a sixth of its
/// work (docs/BENCHMARKS.md). The writer uses a prepared SET only if it still applies when the
/// write runs: the same tenant, the subject row still there (ids are never reused, so it is the
/// same subject) and the same current data key version. Otherwise it seals again itself.
struct PreparedSet: Sendable {
    let tenantID: Int64
    let subjectID: Int64
    /// The data key version `sealedValues` were sealed under.
    let keyVersion: UInt32
    /// One per pair, in the SET's order.
    let sealedValues: [[UInt8]]
    /// One per pair, in the SET's order.
    let digests: [[UInt8]]
}
