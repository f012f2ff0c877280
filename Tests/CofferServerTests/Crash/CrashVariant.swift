/// What runs beside the writers while the server is killed.
enum CrashVariant: String, CaseIterable, Sendable {
    /// Only the writers.
    case writes
    /// The tenant administrator rotates the tenant key (`KEY ROTATE`) again and again.
    case keyRotation
    /// The tenant administrator starts re-encryptions (`DATA ROTATE`) again and again.
    case dataRotation
    /// The operator rotates the master key (`MASTER ROTATE`) again and again.
    case masterRotation
    /// The operator shreds another tenant (`TENANT SHRED`) at a random moment before the kill.
    case tenantShred

    /// The command a rotation variant repeats.
    var rotationCommand: String? {
        switch self {
        case .keyRotation: return "KEY ROTATE"
        case .dataRotation: return "DATA ROTATE"
        case .masterRotation: return "MASTER ROTATE"
        case .writes, .tenantShred: return nil
        }
    }
}
