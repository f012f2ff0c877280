/// What one statement returned.
public struct PostgresQueryResult: Sendable, Equatable {
    public let columns: [PostgresColumn]
    public let rows: [PostgresRow]
    /// `CommandComplete`'s tag (`INSERT 0 1`, `UPDATE 3`, `SELECT 2`); empty for an empty query.
    public let commandTag: String

    /// The row count the tag reports (inserted, updated, deleted, selected...), if it has one.
    public var affectedRows: Int? {
        guard let last = commandTag.split(separator: " ").last else { return nil }
        return Int(last)
    }
}
