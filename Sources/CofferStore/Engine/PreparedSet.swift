/// The part of a SET that needs no write lock, done on the connection's thread before the write
/// reaches the writer: the subject's id, its values sealed under its current data key, and their
/// FIND digests.
///
/// The writer is the one thread that can write, and under a write load it is the bottleneck
/// while the connection threads wait; sealing and digesting there made up about a sixth of its
/// work (docs/BENCHMARKS.md). The writer uses a prepared SET only if it still applies when the
/// write runs: the same tenant, the subject row still there with the same lookup digest (ids are
/// never reused, so it is the same subject) and the same current data key version. Otherwise it
/// seals again itself. The digests need no check of their own: they depend only on the tenant's
/// index key, which is never replaced while the tenant exists (a master key rotation only
/// rewraps it).
struct PreparedSet: Sendable {
    /// The SET it was prepared for.
    let subject: String
    let pairs: [FieldValue]
    let tenantID: Int64
    /// The subject's row, whose lookup digest the row must still carry.
    let subjectRow: SubjectRef
    /// The data key version `sealedValues` were sealed under.
    let keyVersion: UInt32
    /// One per pair, in the SET's order.
    let sealedValues: [[UInt8]]
    /// One per pair, in the SET's order.
    let digests: [[UInt8]]

    /// Whether it was prepared for this SET in this tenant (not yet whether it is still current).
    /// Compares bytes: Swift's `==` on strings treats canonically equivalent ones as equal ("é"
    /// composed or decomposed), which the vault stores and finds as different values.
    func isFor(subject: String, pairs: [FieldValue], tenantID: Int64) -> Bool {
        func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
        return self.tenantID == tenantID && same(self.subject, subject) && self.pairs.count == pairs.count
            && zip(self.pairs, pairs).allSatisfy { same($0.field, $1.field) && same($0.value, $1.value) }
    }
}
