/// A write handed to the vault's writer thread whose outcome has not been collected yet.
///
/// `wait()` blocks until the group commit that holds the write is durable, then returns, or
/// throws what the write threw (a refused write changed nothing: it ran in a savepoint of its
/// own). Every pending write must be waited for once; until then, its caller must not answer it.
public struct PendingWrite: Sendable {
    let job: WriteQueue.Job
    let vault: Vault

    /// Waits until the write is durable or failed; returns what the write returned.
    @discardableResult
    public func wait() throws(VaultError) -> any Sendable {
        let result = job.waitForResult()
        vault.writeCompleted()
        do { return try result.get() } catch { throw Vault.vaultError(error) }
    }
}
