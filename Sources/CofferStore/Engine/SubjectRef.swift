/// A subject row as the engine addresses it: its id (never reused) and its keyed lookup digest.
///
/// Both go into the binding context of the subject's data keys and field values, so a row whose
/// lookup digest was swapped with another row's in the database no longer opens (docs/SECURITY.md,
/// the database-level attacker).
struct SubjectRef: Sendable, Equatable {
    let id: Int64
    let lookup: [UInt8]
}
