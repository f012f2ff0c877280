/// One row of a result.
public struct PostgresRow: Sendable, Equatable {
    public let columns: [PostgresColumn]
    let values: [[UInt8]?]

    /// The number of columns.
    public var count: Int { values.count }

    /// The cell at `index`.
    public subscript(index: Int) -> PostgresCell {
        PostgresCell(column: columns[index], bytes: values[index])
    }

    /// The cell of the column named `name` (the first one, if several share it).
    public func cell(named name: String) throws(PostgresError) -> PostgresCell {
        guard let index = columns.firstIndex(where: { $0.name == name }) else { throw .decoding("no column named \(name)") }
        return self[index]
    }
}
