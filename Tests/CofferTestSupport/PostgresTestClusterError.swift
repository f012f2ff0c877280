/// Why the PostgreSQL test cluster could not be found or driven. No case carries a password.
public enum PostgresTestClusterError: Error, Equatable, CustomStringConvertible {
    /// The run demands PostgreSQL (CI) but no cluster was started.
    case requiredButAbsent
    case missingVariable(String)
    case invalidVariable(String, String)
    case unreadablePasswordFile(String)
    case invalidDatabaseName(String)
    case couldNotRun(program: String, reason: String)
    case timedOut(program: String, seconds: Double)
    case programFailed(program: String, status: Int32, standardError: String)

    public var description: String {
        switch self {
        case .requiredButAbsent:
            "PostgreSQL tests must run here (CI=true or COFFER_TEST_POSTGRES_REQUIRED=1) but "
                + "COFFER_TEST_POSTGRES_HOST is not set: start the cluster (Tests/Postgres/cluster.sh start)"
        case .missingVariable(let name):
            "COFFER_TEST_POSTGRES_HOST is set but \(name) is not (eval \"$(Tests/Postgres/cluster.sh env)\")"
        case .invalidVariable(let name, let value):
            "\(name) is not valid: \(value)"
        case .unreadablePasswordFile(let path):
            "cannot read the PostgreSQL password file \(path)"
        case .invalidDatabaseName(let name):
            "not a database name for tests (lower-case letters, digits, _; 63 at most): \(name)"
        case .couldNotRun(let program, let reason):
            "could not run \(program): \(reason)"
        case .timedOut(let program, let seconds):
            "\(program) did not finish within \(Int(seconds)) s"
        case .programFailed(let program, let status, let standardError):
            "\(program) exited with status \(status): \(standardError)"
        }
    }
}
