import Foundation

/// The server's settings: CONTRACT.md section 8, with every path already resolved.
public struct ServerConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 7443
    public var dataDirectory: String
    public var keysDirectory: String
    public var certificatePath: String
    public var privateKeyPath: String
    public var minimumTLSVersion = TLSMinimumVersion.v1_3
    public var maxConnections = 256
    public var maxLineBytes = 65536
    /// Hardening beyond the contract (extra key `limits.maxLineBytesBeforeAuth`): a tighter line
    /// limit for sessions that have not authenticated. Nil (the default) applies `maxLineBytes`
    /// to everyone, exactly as the contract states; the production example sets 4096.
    public var maxLineBytesBeforeAuth: Int?
    public var maxValueBytes = 16384
    /// `limits.maxFieldsPerSubject`: a `SET` that would give a subject more fields is `INVALID`.
    public var maxFieldsPerSubject = 1000
    public var idleTimeoutSeconds = 300.0
    /// `limits.handshakeTimeoutSeconds`: a connection whose TLS handshake is unfinished after
    /// this long (or after `idleTimeoutSeconds`, if that is shorter) is closed.
    public var handshakeTimeoutSeconds = 10.0
    /// `limits.maxConnectionsPerAddress` (an IPv4 address, an IPv6 /64); 0 turns it off.
    public var maxConnectionsPerAddress = 64
    /// `limits.maxFailedAuthPerAddressPerMinute`; 0 turns it off.
    public var maxFailedAuthPerAddressPerMinute = 60
    public var createMissingKeys = true
    /// `audit.retentionDays` (an extra key, not in the contract's table): audit records older
    /// than this are pruned.
    public var auditRetentionDays = 365
    /// How long an enrollment token (`TENANT CREATE`, `TENANT ENROLL`) and a pending
    /// administrator or operator token work before their first use (default a week).
    public var enrollmentTokenLifetimeHours = 168 {
        didSet { enrollmentTokenLifetimeSeconds = Int64(enrollmentTokenLifetimeHours) * 3600 }
    }
    /// The same in seconds, which is what the vault uses; tests set it directly.
    public var enrollmentTokenLifetimeSeconds: Int64 = 168 * 3600
    /// Days after which the server rotates a tenant's key itself (0: never; docs/OPERATIONS.md).
    public var tenantKeyRotationDays = 0
    /// `audit.sourceAddressRetentionDays` (an extra key): the source addresses of failed `AUTH`s
    /// in the service's trail become unreadable (their keys are destroyed) this many days after
    /// the hour they fall in; 0 records no address at all.
    public var sourceAddressRetentionDays = 7

    /// The defaults, with relative paths resolved against `baseDirectory` (the config file's directory).
    public init(baseDirectory: String) {
        dataDirectory = Self.resolve("../data", against: baseDirectory)
        keysDirectory = Self.resolve("../keys", against: baseDirectory)
        certificatePath = Self.resolve("../keys/tls/server.crt", against: baseDirectory)
        privateKeyPath = Self.resolve("../keys/tls/server.key", against: baseDirectory)
    }

    public var masterKeyPath: String { keysDirectory + "/master.key" }
    public var operatorTokenPath: String { keysDirectory + "/operator.token" }

    /// The default config path: `Config/coffer.json` under the working directory.
    public static var defaultPath: String { FileManager.default.currentDirectoryPath + "/Config/coffer.json" }

    /// Reads a config file. A missing file is an error when `path` was given explicitly; the
    /// default file may be absent, and then every default applies.
    public static func load(path: String?) throws(ConfigurationError) -> ServerConfiguration {
        let file = path.map(absolute) ?? defaultPath
        let base = (file as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: file) else {
            if path == nil { return ServerConfiguration(baseDirectory: base) }
            throw .unreadable(path: file, reason: "no such file")
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw .unreadable(path: file, reason: "cannot read") }
        return try parse(data, baseDirectory: base, source: file)
    }

    /// Parses the JSON text of a config file.
    public static func parse(_ data: Data, baseDirectory: String, source: String = "config") throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration(baseDirectory: baseDirectory)
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw .malformed(path: source, reason: "not valid JSON")
        }
        try ConfigurationReader(baseDirectory: baseDirectory).read(root, into: &configuration)
        return configuration
    }

    static func absolute(_ path: String) -> String {
        resolve(path, against: FileManager.default.currentDirectoryPath)
    }

    /// Resolves `path` against `base` unless it is absolute, and normalises `.` and `..`.
    public static func resolve(_ path: String, against base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
