import CofferCrypto

/// Prepares a password for SCRAM (RFC 5802 section 2.2: `Normalize(password)`, which is
/// SASLprep, RFC 4013).
///
/// The limit, on purpose: only ASCII passwords are accepted, and they are used as they are.
/// That is exactly what PostgreSQL computes for them: SASLprep maps no printable ASCII
/// character, and for a password it refuses (ASCII control characters are prohibited)
/// PostgreSQL falls back to the raw bytes, as this client does. A non-ASCII password would
/// need NFKC normalisation and the RFC 3454 tables, so it is refused with
/// `unsupportedPassword` rather than risk a silent mismatch; generate ASCII passwords
/// (`openssl rand -base64 32`). An empty password is refused as PostgreSQL refuses it.
enum SCRAMPassword {
    static func prepare(_ password: SecureBytes) throws(PostgresError) -> SecureBytes {
        let verdict: PostgresError? = password.withUnsafeBytes { bytes in
            if bytes.isEmpty { return .unsupportedPassword("it is empty") }
            if bytes.contains(where: { $0 >= 0x80 }) {
                return .unsupportedPassword("it holds non-ASCII characters, which need SASLprep (RFC 4013); use an ASCII password")
            }
            return nil
        }
        if let verdict { throw verdict }
        return password
    }
}
