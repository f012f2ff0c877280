import CofferCrypto

/// Where and how to connect (CONTRACT.md section 9, `storage.postgresql`).
public struct PostgresConfiguration: Sendable {
    /// A host name or IP address (TCP, always TLS), or — starting with `/` — the directory of
    /// the server's Unix-domain socket (no TLS, no `caFile`).
    public var host: String
    public var port: Int
    public var database: String
    public var user: String
    /// The password, in zeroizing storage (see `PostgresPasswordFile`).
    public var password: SecureBytes
    /// The CA certificate(s) the server's chain must lead to; required over TCP.
    public var caFile: String?
    /// The bound on connecting: TCP, TLS, authentication, all together.
    public var connectTimeoutSeconds: Double
    /// The bound on one query or pipeline, from sending to `ReadyForQuery`.
    public var operationTimeoutSeconds: Double
    /// `application_name`, shown in `pg_stat_activity`.
    public var applicationName: String
    /// The largest backend message accepted; a longer one breaks the connection.
    public var maximumMessageBytes: Int
    /// The most prepared statements kept per connection; later statements are parsed unnamed.
    public var maximumPreparedStatements: Int
    /// The name the certificate must carry when it differs from `host` (tests only).
    var tlsServerName: String?

    public init(host: String, port: Int = 5432, database: String, user: String, password: SecureBytes, caFile: String?,
                connectTimeoutSeconds: Double = 5, operationTimeoutSeconds: Double = 30, applicationName: String = "coffer",
                maximumMessageBytes: Int = 64 << 20, maximumPreparedStatements: Int = 256) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
        self.password = password
        self.caFile = caFile
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.operationTimeoutSeconds = operationTimeoutSeconds
        self.applicationName = applicationName
        self.maximumMessageBytes = maximumMessageBytes
        self.maximumPreparedStatements = maximumPreparedStatements
    }

    /// True when `host` names a Unix-domain socket directory.
    public var usesUnixSocket: Bool { host.hasPrefix("/") }

    /// Refuses a configuration that cannot work, naming the field.
    func validate() throws(PostgresError) {
        guard !host.isEmpty else { throw .invalidConfiguration("host is empty") }
        guard (1...65_535).contains(port) else { throw .invalidConfiguration("port \(port) is not between 1 and 65535") }
        guard !database.isEmpty, !user.isEmpty else { throw .invalidConfiguration("database and user must not be empty") }
        guard connectTimeoutSeconds > 0, operationTimeoutSeconds > 0 else { throw .invalidConfiguration("the timeouts must be positive") }
        guard maximumMessageBytes >= 1024, maximumPreparedStatements >= 0 else { throw .invalidConfiguration("maximumMessageBytes must be at least 1024") }
        if !usesUnixSocket && (caFile ?? "").isEmpty {
            throw .invalidConfiguration("caFile is required over TCP: the connection is always TLS with verify-full")
        }
    }
}
