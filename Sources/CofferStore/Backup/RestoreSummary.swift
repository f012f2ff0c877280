/// What `BackupRestorer.restore` did.
public struct RestoreSummary: Sendable {
    /// The manifest of the backup restored from.
    public let manifest: BackupManifest
    /// The databases that were replaced, in the order they were restored.
    public let restored: [BackupPart]
    /// Tenants with rows in the restored vault but no keys in the keyring now in place: shredded
    /// after the vault backup was taken. Their rows are unreadable; the server purges them.
    public let shreddedTenants: Int
    /// Subjects of those tenants.
    public let shreddedTenantSubjects: Int
    /// Audit records the keyring's head names beyond the restored vault's trail: written after
    /// the vault backup and lost with this restore (only when the vault is restored without its
    /// own keyring). The trail keeps the gap, and `coffer audit verify` reports it.
    public let auditRecordsMissing: Int64
}
