import CofferCrypto

/// Why a vault operation failed.
///
/// The cases the server maps to protocol codes (`notFound`, `exists`, `invalid`) carry short,
/// fixed descriptions: never a value, a subject identifier or a token. `storage`, `crypto` and
/// `corrupt` are internal failures; their text is for the server's log and names no personal data
/// either (SQLite errors never include bound values).
public enum VaultError: Error, Sendable, CustomStringConvertible {
    /// No such tenant, subject or field (also after a shred).
    case notFound(Entity)
    /// The tenant or subject already exists.
    case exists(Entity)
    /// An argument breaks a rule; the text says which rule.
    case invalid(String)
    /// A key file is missing, unreadable, malformed or too permissive.
    case keyFile(SecretFile.Failure)
    /// The database refused (disk full, I/O error, ...). Nothing was changed.
    case storage(SQLiteError)
    /// A cryptographic operation failed: a stored ciphertext or wrapped key did not authenticate.
    case crypto(CryptoError)
    /// The stored state contradicts itself (for example a tenant row without its key).
    case corrupt(String)

    /// What a `notFound` or `exists` is about.
    public enum Entity: String, Sendable {
        case tenant, subject, field
        /// A tenant's claim: `TENANT ENROLL` or `TENANT CLAIM` of a tenant already claimed.
        case claim
    }

    public var description: String {
        switch self {
        case .notFound(let entity): return "no such \(entity.rawValue)"
        case .exists(.claim): return "the tenant has already been claimed by its administrator"
        case .exists(let entity): return "\(entity.rawValue) already exists"
        case .invalid(let rule): return rule
        case .keyFile(let failure): return failure.description
        case .storage(let error): return "storage failure: \(error.description)"
        case .crypto(let error): return "crypto failure: \(error.description)"
        case .corrupt(let what): return "inconsistent vault state: \(what)"
        }
    }
}
