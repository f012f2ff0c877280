/// Where a data-key rotation (re-encryption) job stands.
public struct ReencryptionStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        /// No job was ever started.
        case idle
        case running
        /// Every job started has finished.
        case done
    }

    public let state: State
    /// Subjects re-keyed so far, out of `total` (the subjects that existed when the job started).
    public let done: Int
    public let total: Int
}
