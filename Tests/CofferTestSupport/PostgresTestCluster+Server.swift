import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Driving the server itself: its programs run as the cluster's OS user (through `runuser` when
/// the tests run as root), and the superuser reaches it over the Unix socket only (peer).
extension PostgresTestCluster {
    /// How `pg_ctl stop` (or the stop half of `restart`) ends the server.
    public enum ShutdownMode: String, Sendable {
        case smart, fast
        /// Like a crash: no checkpoint; the next start replays the WAL.
        case immediate
    }

    /// Runs `program` from the server's bin directory as the cluster's OS user.
    public func runServerProgram(_ program: String, _ arguments: [String],
                                 timeout: Double = 60) throws(PostgresTestClusterError) -> TestCommand.Result {
        let path = binDirectory + "/" + program
        var command: TestCommand
        if getuid() == 0 && osUser != "root" {
            let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
                .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "runuser"
            command = TestCommand(runuser, ["-u", osUser, "--", path] + arguments)
        } else {
            command = TestCommand(path, arguments)
        }
        command.environment = TestCommand.environmentWithoutPostgresVariables()
        command.timeout = timeout
        let result = try command.run()
        guard result.status == 0 else {
            throw .programFailed(program: program, status: result.status, standardError: result.standardError)
        }
        return result
    }

    /// Runs each statement as the superuser (one `psql -c` each, so `CREATE DATABASE` and
    /// `VACUUM` work) and returns the unaligned, tuples-only output.
    @discardableResult
    public func superuserSQL(_ statements: [String], database: String = "postgres") throws(PostgresTestClusterError) -> String {
        var arguments = ["-X", "-A", "-t", "-q", "-w", "-v", "ON_ERROR_STOP=1",
                         "-h", socketDirectory, "-p", String(port), "-U", osUser, "-d", database]
        for statement in statements { arguments += ["-c", statement] }
        return try runServerProgram("psql", arguments).standardOutput
    }

    /// `CHECKPOINT`: everything committed is in the table files under `base/` afterwards.
    public func checkpoint() throws(PostgresTestClusterError) {
        try superuserSQL(["CHECKPOINT"])
    }

    /// Stops the server; `.immediate` is a crash as far as the data is concerned.
    public func stopServer(_ mode: ShutdownMode = .fast) throws(PostgresTestClusterError) {
        _ = try runServerProgram("pg_ctl", ["stop", "-D", dataDirectory, "-m", mode.rawValue, "-w", "-t", "60"], timeout: 90)
    }

    /// Starts the server again (same port, same settings) and waits until it accepts connections.
    public func startServer() throws(PostgresTestClusterError) {
        _ = try runServerProgram("pg_ctl", ["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", "60"], timeout: 90)
    }

    /// `pg_ctl restart`; with `.immediate`, PostgreSQL's crash-restart.
    public func restartServer(_ mode: ShutdownMode = .fast) throws(PostgresTestClusterError) {
        _ = try runServerProgram("pg_ctl", ["restart", "-D", dataDirectory, "-m", mode.rawValue,
                                            "-l", logFile, "-w", "-t", "60"], timeout: 150)
    }

    /// Creates an empty database owned by the test role (which cannot create databases itself),
    /// for a test that needs one of its own; only that role may connect to it.
    public func createDatabase(_ name: String) throws(PostgresTestClusterError) {
        try Self.checkDatabaseName(name)
        try superuserSQL(["CREATE DATABASE \(name) OWNER \(user)",
                          "REVOKE CONNECT, TEMPORARY ON DATABASE \(name) FROM PUBLIC"])
    }

    /// Drops a database, ending the sessions still connected to it.
    public func dropDatabase(_ name: String) throws(PostgresTestClusterError) {
        try Self.checkDatabaseName(name)
        try superuserSQL(["DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    }

    /// Names are written into SQL, so only plain identifiers (never the cluster's own databases).
    private static func checkDatabaseName(_ name: String) throws(PostgresTestClusterError) {
        let allowed = name.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
        guard allowed, (1...63).contains(name.utf8.count), let first = name.utf8.first, (97...122).contains(first),
              !["postgres", "template0", "template1"].contains(name) else {
            throw .invalidDatabaseName(name)
        }
    }
}
