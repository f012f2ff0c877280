/// A SQL statement and its bound parameters (`$1`, `$2`, ... in the text).
public struct PostgresStatement: Sendable, Equatable {
    public let sql: String
    public let binds: [PostgresValue]

    public init(_ sql: String, _ binds: [PostgresValue] = []) {
        self.sql = sql
        self.binds = binds
    }
}
