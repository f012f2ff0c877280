/// What `VaultVerifier` checked and found.
///
/// Lines and problems name files, tenants and subject row ids (`subject #42`): never a value,
/// a subject identifier, a field name, a token or key bytes, so a report can be printed or
/// mailed as it is.
public struct VerificationReport: Sendable {
    /// The directory verified.
    public let target: String
    /// True when `target` is a backup directory.
    public let isBackup: Bool
    /// What was checked, one line per step, in order.
    public private(set) var lines: [String] = []
    /// The first problems found (at most `VerificationOptions.maximumProblemsListed`).
    public private(set) var problems: [String] = []
    /// How many problems were found in all.
    public private(set) var problemCount = 0

    /// Tenants whose keys the keyring holds.
    public internal(set) var tenants = 0
    /// Subjects of those tenants.
    public internal(set) var subjects = 0
    /// Their wrapped data keys.
    public internal(set) var dataKeys = 0
    /// Their sealed field values.
    public internal(set) var fields = 0
    /// Tenants with rows in the vault but no keys in the keyring: shredded, unreadable as intended.
    public internal(set) var shreddedTenants = 0
    /// Subjects of those tenants (not checked further: they cannot be read, and must not be).
    public internal(set) var shreddedTenantSubjects = 0
    /// Tenants with rows in the vault that the keyring never had: the keyring is older than the
    /// vault, or from another installation. Always a problem.
    public internal(set) var unknownTenants = 0
    /// Subjects decrypted end to end.
    public internal(set) var sampledSubjects = 0
    /// Field values decrypted.
    public internal(set) var decryptedFields = 0
    /// The master key versions the keyring's wrapped keys name.
    public internal(set) var masterKeyVersions: [UInt32] = []

    let maximumProblemsListed: Int

    init(target: String, isBackup: Bool, maximumProblemsListed: Int) {
        self.target = target
        self.isBackup = isBackup
        self.maximumProblemsListed = maximumProblemsListed
    }

    /// True when no problem was found.
    public var isHealthy: Bool { problemCount == 0 }

    mutating func note(_ line: String) {
        lines.append(line)
    }

    mutating func problem(_ text: String) {
        problemCount += 1
        if problems.count < maximumProblemsListed { problems.append(text) }
    }
}
