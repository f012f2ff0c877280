import Foundation
import XCTest
import CofferTestSupport

/// The PostgreSQL test cluster itself (Tests/Postgres/cluster.sh), checked from the test process
/// with `psql` rather than Coffer's own client: TLS verified against the generated CA and host
/// name, SCRAM-SHA-256, nothing without TLS, a role with only what it needs, the durability
/// settings Coffer relies on, and the server programs the crash and erasure tests drive.
final class PostgresTestClusterTests: XCTestCase {
    private var cluster: PostgresTestCluster!

    override func setUpWithError() throws {
        cluster = try PostgresTestCluster.require()
    }

    func testTheRoleConnectsOverVerifiedTLSWithSCRAM() throws {
        let reply = try cluster.clientPSQL(
            "SELECT 1, current_user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        XCTAssertEqual(reply.status, 0, reply.standardError)
        XCTAssertEqual(reply.standardOutput, "1|coffer|t\n")
        // The certificate names localhost too.
        XCTAssertEqual(try cluster.clientPSQL("SELECT 1", host: "localhost").standardOutput, "1\n")
        // The password is stored as a SCRAM-SHA-256 verifier (only the superuser may read it).
        let stored = try cluster.superuserSQL(
            ["SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'coffer'"])
        XCTAssertEqual(stored, "t\n")
        let version = try cluster.clientPSQL("SHOW server_version").standardOutput
            .trimmingCharacters(in: .whitespacesAndNewlines)
        print("PostgreSQL test cluster: ran against \(cluster.host):\(cluster.port), PostgreSQL \(version), TLS verify-full, SCRAM-SHA-256")
    }

    func testAConnectionWithoutTLSIsRefused() throws {
        let reply = try cluster.clientPSQL("SELECT 1", sslMode: "disable")
        XCTAssertNotEqual(reply.status, 0)
        XCTAssertTrue(reply.standardError.contains("pg_hba.conf rejects connection"), reply.standardError)
    }

    func testAWrongPasswordIsRefused() throws {
        let reply = try cluster.clientPSQL("SELECT 1", password: "not-the-password")
        XCTAssertNotEqual(reply.status, 0)
        XCTAssertTrue(reply.standardError.contains("password authentication failed"), reply.standardError)
    }

    func testAServerCertificateForAnotherNameIsRefused() throws {
        let reply = try cluster.clientPSQL("SELECT 1", host: "db.example.invalid")
        XCTAssertNotEqual(reply.status, 0)
        XCTAssertTrue(reply.standardError.contains("does not match host name"), reply.standardError)
    }

    func testTheRoleOwnsItsDatabaseAndNothingMore() throws {
        let rights = try cluster.clientPSQL(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        XCTAssertEqual(rights.standardOutput, "f|f|f|f|f\n", rights.standardError)
        let owner = try cluster.clientPSQL(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")
        XCTAssertEqual(owner.standardOutput, "coffer\n", owner.standardError)
        let create = try cluster.clientPSQL("CREATE TABLE smoke_probe (x integer); DROP TABLE smoke_probe")
        XCTAssertEqual(create.status, 0, create.standardError)
        let otherDatabase = try cluster.clientPSQL("SELECT 1", database: "postgres")
        XCTAssertNotEqual(otherDatabase.status, 0)
        XCTAssertTrue(otherDatabase.standardError.contains("permission denied for database"), otherDatabase.standardError)
    }

    func testTheServerHasTheSettingsCofferNeeds() throws {
        let settings = try cluster.clientPSQL(
            "SELECT current_setting('synchronous_commit'), current_setting('fsync'), "
                + "current_setting('password_encryption'), current_setting('ssl')")
        XCTAssertEqual(settings.standardOutput, "on|on|scram-sha-256|on\n", settings.standardError)
    }

    func testATestGetsADatabaseOfItsOwnAndCanCheckpoint() throws {
        let name = "coffer_smoke_\(UInt32.random(in: 0...UInt32.max))"
        try cluster.createDatabase(name)
        defer { try? cluster.dropDatabase(name) }
        let reply = try cluster.clientPSQL("SELECT current_database()", database: name)
        XCTAssertEqual(reply.standardOutput, "\(name)\n", reply.standardError)
        try cluster.checkpoint()
        XCTAssertTrue(FileManager.default.fileExists(atPath: cluster.dataDirectory + "/base"))
        XCTAssertThrowsError(try cluster.createDatabase("postgres; DROP DATABASE coffer"))
    }
}
