/// One page of a listing (`SUBJECT LIST`, `FIND`): at most a page of subject identifiers, in the
/// order the subjects were created, and the cursor of the next page (nil on the last).
public struct SubjectPage: Sendable, Equatable {
    public let subjects: [String]
    /// Opaque; valid only for the same listing of the same tenant (see `ListingCursor`).
    public let next: String?

    public init(subjects: [String], next: String?) {
        self.subjects = subjects
        self.next = next
    }
}
