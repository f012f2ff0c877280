import Synchronization

/// Keys that reached their nonce budget: noted by the writer thread after a job, taken by the
/// caller that submitted it, which schedules the rotations.
final class BudgetRotations: Sendable {
    private let due = Mutex<(master: Bool, tenants: Set<String>)>((false, []))

    func add(master: Bool, tenants: Set<String>) {
        due.withLock { due in
            due.master = due.master || master
            due.tenants.formUnion(tenants)
        }
    }

    /// The rotations due, if any, and forgets them.
    func take() -> (master: Bool, tenants: Set<String>)? {
        due.withLock { due in
            guard due.master || !due.tenants.isEmpty else { return nil }
            defer { due = (false, []) }
            return due
        }
    }
}
