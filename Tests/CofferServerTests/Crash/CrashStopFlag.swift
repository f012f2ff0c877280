import Synchronization

/// Tells a trial's client threads to stop, and lets the harness wait until they have.
final class CrashStopFlag: Sendable {
    private let stopped = Atomic<Bool>(false)

    var isSet: Bool { stopped.load(ordering: .acquiring) }

    func set() { stopped.store(true, ordering: .releasing) }
}
