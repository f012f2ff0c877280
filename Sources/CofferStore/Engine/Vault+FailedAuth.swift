/// Failed `AUTH`s in the service's trail (`VaultCore+FailedAuth.swift`): recording the counts
/// of a minute, reading them back, and erasing the source addresses past their retention.
extension Vault {
    /// Records the failed `AUTH`s of the minute that starts at `minute` (seconds since 1970),
    /// one record per source. Queued for the writer's next group commit, like the records of
    /// reads (`recordAudit`); a failure is logged.
    public func recordFailedAuthentications(_ counts: [FailedAuthenticationCount], minute: Int64) {
        guard !counts.isEmpty else { return }
        submit { try $0.recordFailedAuthentications(counts, minute: minute) }
    }

    /// The newest failed-`AUTH` records, at most `limit`, newest first, with their source
    /// addresses while those are kept. Runs behind every record queued before it.
    public func failedAuthentications(limit: Int = 1000) throws(VaultError) -> [FailedAuthenticationRecord] {
        try write { try $0.failedAuthentications(limit: limit) }
    }

    /// Destroys the keys that sealed the source addresses of the hours ended at or before
    /// `cutoff` (seconds since 1970): those addresses are erased, the records and their counts
    /// stay. Returns how many keys were destroyed.
    @discardableResult
    public func destroySourceKeys(endingBy cutoff: Int64) throws(VaultError) -> Int {
        try write { try $0.destroySourceKeys(endingBy: cutoff) }
    }
}
