/// Reaching the cluster as the test role with `psql`, the way Coffer must: TLS verified against
/// the CA and the host name (`verify-full`) and SCRAM-SHA-256. For tests that check the setup or
/// look at what Coffer stored, independently of Coffer's own PostgreSQL client.
extension PostgresTestCluster {
    /// The libpq connection string; `sslMode` and `host` may be changed to test refusals.
    public func connectionString(database: String? = nil, sslMode: String = "verify-full",
                                 host: String? = nil) -> String {
        var parts = ["host=\(host ?? self.host)", "port=\(port)", "dbname=\(database ?? self.database)",
                     "user=\(user)", "sslmode=\(sslMode)", "sslrootcert=\(caFile)", "connect_timeout=10"]
        if let host, host != self.host { parts.append("hostaddr=\(self.host)") }
        return parts.joined(separator: " ")
    }

    /// Runs `sql` (one `-c`) as the test role; the result says whether the server accepted it.
    /// `password` replaces the one in the password file (to test a wrong one).
    public func clientPSQL(_ sql: String, database: String? = nil, sslMode: String = "verify-full",
                           host: String? = nil, password: String? = nil) throws(PostgresTestClusterError) -> TestCommand.Result {
        var environment = TestCommand.environmentWithoutPostgresVariables()
        if let password {
            environment["PGPASSWORD"] = password
        } else {
            environment["PGPASSWORD"] = try self.password()
        }
        var command = TestCommand(binDirectory + "/psql",
                                  ["-X", "-A", "-t", "-q", "-w", "-v", "ON_ERROR_STOP=1",
                                   "-d", connectionString(database: database, sslMode: sslMode, host: host),
                                   "-c", sql],
                                  environment: environment)
        command.timeout = 30
        return try command.run()
    }
}
