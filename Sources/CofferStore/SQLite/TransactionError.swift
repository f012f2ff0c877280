/// Why `Database.transaction(_:)` failed: SQLite failed around the body (BEGIN or COMMIT), or
/// the body threw. In both cases the transaction has been rolled back.
public enum TransactionError<E: Error>: Error, CustomStringConvertible {
    /// BEGIN IMMEDIATE or COMMIT failed; nothing of the body's work was kept.
    case sqlite(SQLiteError)
    /// The body threw this error; its work was rolled back.
    case body(E)

    /// The underlying error's description.
    public var description: String {
        switch self {
        case .sqlite(let error): return "transaction failed: \(error)"
        case .body(let error): return "transaction rolled back: \(error)"
        }
    }

    /// The SQLite error, whether SQLite failed around the body or the body itself threw one.
    public var sqliteError: SQLiteError? {
        switch self {
        case .sqlite(let error): return error
        case .body(let error): return error as? SQLiteError
        }
    }
}

extension TransactionError where E == SQLiteError {
    /// Both cases carry a `SQLiteError`: the one that made the transaction fail.
    public var flattened: SQLiteError {
        switch self {
        case .sqlite(let error), .body(let error): return error
        }
    }
}
