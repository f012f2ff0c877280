/// One column of a result, from `RowDescription`.
public struct PostgresColumn: Sendable, Equatable {
    public let name: String
    public let type: PostgresType
    /// The format the server sends the column in (always binary for this client's portals).
    let format: PostgresFormat
}
