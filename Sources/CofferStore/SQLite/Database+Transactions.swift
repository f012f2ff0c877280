import CSQLite

extension Database {
    /// Runs `body` inside `BEGIN IMMEDIATE` … `COMMIT` and returns its result.
    ///
    /// IMMEDIATE takes the write lock up front, so a transaction never fails half way with
    /// SQLITE_BUSY when it first writes. If `body` throws, the transaction is rolled back and the
    /// error is rethrown as `.body`; if BEGIN or COMMIT fails (COMMIT can fail, for example on a
    /// deferred foreign key or a full disk), it is rolled back and thrown as `.sqlite`.
    /// Transactions do not nest: use `savepoint(_:)` inside one.
    public func transaction<T, E: Error>(_ body: () throws(E) -> T) throws(TransactionError<E>) -> T {
        do {
            try execute("BEGIN IMMEDIATE")
        } catch {
            throw .sqlite(error)
        }
        let result: T
        do {
            result = try body()
        } catch {
            rollbackAfterFailure()
            throw .body(error)
        }
        do {
            try execute("COMMIT")
        } catch {
            rollbackAfterFailure()
            throw .sqlite(error)
        }
        return result
    }

    /// Runs `body` inside `SAVEPOINT` … `RELEASE`. If `body` throws, its work alone is undone
    /// (`ROLLBACK TO` + `RELEASE`) and the error rethrown unchanged, while the enclosing
    /// transaction goes on: one failed job in a group commit does not sink the others.
    /// Outside a transaction, a savepoint behaves as a (deferred) transaction of its own.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        // Named by depth, so the few statement texts stay prepared in the statement cache:
        // a group commit runs three nested savepoints per write.
        let name = "coffer_savepoint_\(savepointDepth)"
        try run("SAVEPOINT \(name)")
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let result: T
        do {
            result = try body()
        } catch {
            rollBack(toSavepoint: name)
            throw error
        }
        do {
            try run("RELEASE \(name)")
        } catch {
            rollBack(toSavepoint: name)
            throw error
        }
        return result
    }

    /// Undoes an open transaction after a failure. SQLite rolls back by itself after some errors
    /// (SQLITE_FULL, SQLITE_IOERR, …); then there is nothing left to do. A failed ROLLBACK is
    /// retried once with every cached statement reset, since a pending statement can block it.
    func rollbackAfterFailure() {
        guard isInTransaction else { return }
        if sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) != SQLITE_OK && isInTransaction {
            resetCachedStatements()
            sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
        }
    }

    /// Undoes and closes savepoint `name`. Its failure is ignored on purpose: it means SQLite
    /// already rolled back the whole transaction, which the enclosing COMMIT will then report.
    private func rollBack(toSavepoint name: String) {
        sqlite3_exec(handle, "ROLLBACK TO \(name); RELEASE \(name)", nil, nil, nil)
    }
}
