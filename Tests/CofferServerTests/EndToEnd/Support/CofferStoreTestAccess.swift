import CofferStore

/// A raw SQLite connection to a running server's database, for tests that simulate failures.
enum CofferStoreTestAccess {
    static func database(_ path: String) throws -> Database {
        try Database(path: path)
    }
}
