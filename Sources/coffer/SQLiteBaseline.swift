import CofferStore

/// The unencrypted baseline of the engine benchmark: one table, durable single-row writes and
/// primary-key reads on the same SQLite settings the vault uses (WAL, synchronous=FULL).
struct SQLiteBaseline {
    let database: Database

    init(path: String) throws {
        database = try Database(path: path)
        try database.execute("CREATE TABLE IF NOT EXISTS kv (k INTEGER PRIMARY KEY, v BLOB NOT NULL)")
    }

    func write(key: Int, value: [UInt8]) throws {
        try database.run("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", key, value)
    }

    func read(key: Int) throws -> [UInt8]? {
        try database.row("SELECT v FROM kv WHERE k = ?", key)?.blob(0)
    }
}
