/// An error type that can carry a `PostgresError`, so that the closures given to
/// `PostgresConnection.transaction` and the pool can throw the caller's own typed errors while
/// the client's failures still reach the caller, wrapped.
public protocol PostgresErrorWrapping: Error {
    init(postgres: PostgresError)
}

extension PostgresError: PostgresErrorWrapping {
    public init(postgres: PostgresError) { self = postgres }
}
