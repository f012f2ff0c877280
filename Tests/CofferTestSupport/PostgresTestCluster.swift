import Foundation
import XCTest

/// The throwaway PostgreSQL cluster that `Tests/Postgres/cluster.sh start` (and `.ci/run`)
/// starts, found through the `COFFER_TEST_POSTGRES_*` variables that script prints.
///
/// A suite that needs PostgreSQL begins with `let cluster = try PostgresTestCluster.require()`.
/// Without the variables that throws `XCTSkip` with the reason, so a developer without
/// PostgreSQL still runs everything else; where the run demands PostgreSQL (`CI=true`, or
/// `COFFER_TEST_POSTGRES_REQUIRED=1` as `.ci/run` sets) it throws an error and the test fails.
public struct PostgresTestCluster: Sendable, Equatable {
    /// Where the server listens: always a loopback address, reached over TLS only.
    public let host: String
    public let port: Int
    /// The database the role owns, and the role (SCRAM-SHA-256; no superuser, no CREATEDB/CREATEROLE).
    public let database: String
    public let user: String
    /// The role's password (one line, mode 0600) and the CA certificate the server's is signed by.
    public let passwordFile: String
    public let caFile: String
    /// The server's own files, for tests that drive the server (see PostgresTestCluster+Server).
    public let dataDirectory: String
    public let binDirectory: String
    public let socketDirectory: String
    public let logFile: String
    /// The OS user that owns the cluster and runs its programs (`postgres` when the tests run as root).
    public let osUser: String

    public static let skipReason =
        "PostgreSQL tests skipped: COFFER_TEST_POSTGRES_HOST is not set (run Tests/Postgres/cluster.sh start, or .ci/run)"

    /// The cluster, or `XCTSkip` without one (an error instead when the run demands PostgreSQL).
    public static func require(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> PostgresTestCluster {
        if let cluster = try fromEnvironment(environment) { return cluster }
        if isRequired(environment) { throw PostgresTestClusterError.requiredButAbsent }
        throw XCTSkip(skipReason, file: file, line: line)
    }

    /// The cluster the variables name, nil when `COFFER_TEST_POSTGRES_HOST` is not set. Once it
    /// is set every other variable must be too: half a configuration is an error, not a skip.
    public static func fromEnvironment(
        _ environment: [String: String]
    ) throws(PostgresTestClusterError) -> PostgresTestCluster? {
        guard let host = environment[Variable.host], !host.isEmpty else { return nil }
        func value(_ name: String) throws(PostgresTestClusterError) -> String {
            guard let value = environment[name], !value.isEmpty else { throw .missingVariable(name) }
            return value
        }
        let portText = try value(Variable.port)
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw .invalidVariable(Variable.port, portText)
        }
        return PostgresTestCluster(
            host: host, port: port,
            database: try value(Variable.database), user: try value(Variable.user),
            passwordFile: try value(Variable.passwordFile), caFile: try value(Variable.caFile),
            dataDirectory: try value(Variable.dataDirectory), binDirectory: try value(Variable.binDirectory),
            socketDirectory: try value(Variable.socketDirectory), logFile: try value(Variable.logFile),
            osUser: try value(Variable.osUser))
    }

    /// True where PostgreSQL suites must run rather than skip: in CI.
    public static func isRequired(_ environment: [String: String]) -> Bool {
        environment[Variable.required] == "1" || environment["CI"] == "true"
    }

    /// The role's password: the file's content less one trailing newline (as section 9 reads it).
    public func password() throws(PostgresTestClusterError) -> String {
        guard let data = FileManager.default.contents(atPath: passwordFile) else {
            throw .unreadablePasswordFile(passwordFile)
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The `storage` object of the config file (CONTRACT.md section 9) for this cluster.
    public func storageJSON(database: String? = nil, maxConnections: Int = 16, connectTimeoutSeconds: Int = 5) -> String {
        let postgresql: [String: Any] = [
            "host": host, "port": port, "database": database ?? self.database, "user": user,
            "passwordFile": passwordFile, "caFile": caFile,
            "maxConnections": maxConnections, "connectTimeoutSeconds": connectTimeoutSeconds,
        ]
        let storage: [String: Any] = ["engine": "postgresql", "postgresql": postgresql]
        // Strings, integers and dictionaries only: serialisation cannot fail.
        let data = try! JSONSerialization.data(withJSONObject: storage, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The names of the variables, as Tests/Postgres/cluster.sh prints them.
    public enum Variable {
        public static let host = "COFFER_TEST_POSTGRES_HOST"
        public static let port = "COFFER_TEST_POSTGRES_PORT"
        public static let database = "COFFER_TEST_POSTGRES_DATABASE"
        public static let user = "COFFER_TEST_POSTGRES_USER"
        public static let passwordFile = "COFFER_TEST_POSTGRES_PASSWORD_FILE"
        public static let caFile = "COFFER_TEST_POSTGRES_CA_FILE"
        public static let dataDirectory = "COFFER_TEST_POSTGRES_DATADIR"
        public static let binDirectory = "COFFER_TEST_POSTGRES_BIN"
        public static let socketDirectory = "COFFER_TEST_POSTGRES_SOCKET_DIR"
        public static let logFile = "COFFER_TEST_POSTGRES_LOG_FILE"
        public static let osUser = "COFFER_TEST_POSTGRES_OS_USER"
        /// Set to 1 by .ci/run: the PostgreSQL suites fail instead of skipping without a cluster.
        public static let required = "COFFER_TEST_POSTGRES_REQUIRED"
    }
}
