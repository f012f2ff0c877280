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
}
