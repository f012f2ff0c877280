import Foundation
import XCTest
import CofferTestSupport

/// How the suites find the cluster: skipped with the reason without it, failed where the run
/// demands PostgreSQL, and never half-configured. These need no PostgreSQL.
final class PostgresTestClusterDiscoveryTests: XCTestCase {
    private let complete: [String: String] = [
        "COFFER_TEST_POSTGRES_HOST": "127.0.0.1", "COFFER_TEST_POSTGRES_PORT": "25432",
        "COFFER_TEST_POSTGRES_DATABASE": "coffer", "COFFER_TEST_POSTGRES_USER": "coffer",
        "COFFER_TEST_POSTGRES_PASSWORD_FILE": "/state/password", "COFFER_TEST_POSTGRES_CA_FILE": "/state/ca.crt",
        "COFFER_TEST_POSTGRES_DATADIR": "/cluster/data", "COFFER_TEST_POSTGRES_BIN": "/usr/lib/postgresql/15/bin",
        "COFFER_TEST_POSTGRES_SOCKET_DIR": "/cluster/socket", "COFFER_TEST_POSTGRES_LOG_FILE": "/cluster/postgres.log",
        "COFFER_TEST_POSTGRES_OS_USER": "postgres",
    ]

    func testWithoutTheClusterTheSuitesAreSkippedAndSayWhy() {
        XCTAssertThrowsError(try PostgresTestCluster.require(environment: ["PATH": "/usr/bin"])) { error in
            guard let skip = error as? XCTSkip else { return XCTFail("not a skip: \(error)") }
            XCTAssertEqual(skip.message, PostgresTestCluster.skipReason)
        }
        XCTAssertTrue(PostgresTestCluster.skipReason.hasPrefix("PostgreSQL tests skipped: COFFER_TEST_POSTGRES_HOST is not set"))
    }

    func testWhereTheRunDemandsPostgreSQLAMissingClusterFails() {
        for environment in [["CI": "true"], ["COFFER_TEST_POSTGRES_REQUIRED": "1"]] {
            XCTAssertThrowsError(try PostgresTestCluster.require(environment: environment)) { error in
                XCTAssertEqual(error as? PostgresTestClusterError, .requiredButAbsent)
            }
        }
    }

    func testEveryVariableIsRead() throws {
        let cluster = try XCTUnwrap(PostgresTestCluster.fromEnvironment(complete))
        XCTAssertEqual(cluster.host, "127.0.0.1")
        XCTAssertEqual(cluster.port, 25432)
        XCTAssertEqual(cluster.database, "coffer")
        XCTAssertEqual(cluster.user, "coffer")
        XCTAssertEqual(cluster.passwordFile, "/state/password")
        XCTAssertEqual(cluster.caFile, "/state/ca.crt")
        XCTAssertEqual(cluster.dataDirectory, "/cluster/data")
        XCTAssertEqual(cluster.binDirectory, "/usr/lib/postgresql/15/bin")
        XCTAssertEqual(cluster.socketDirectory, "/cluster/socket")
        XCTAssertEqual(cluster.logFile, "/cluster/postgres.log")
        XCTAssertEqual(cluster.osUser, "postgres")
    }

    func testHalfAConfigurationIsAnErrorNotASkip() {
        var environment = complete
        environment["COFFER_TEST_POSTGRES_CA_FILE"] = nil
        XCTAssertThrowsError(try PostgresTestCluster.require(environment: environment)) { error in
            XCTAssertEqual(error as? PostgresTestClusterError, .missingVariable("COFFER_TEST_POSTGRES_CA_FILE"))
        }
        environment = complete
        environment["COFFER_TEST_POSTGRES_PORT"] = "70000"
        XCTAssertThrowsError(try PostgresTestCluster.fromEnvironment(environment)) { error in
            XCTAssertEqual(error as? PostgresTestClusterError, .invalidVariable("COFFER_TEST_POSTGRES_PORT", "70000"))
        }
    }

    func testTheStorageObjectFollowsTheContract() throws {
        let cluster = try XCTUnwrap(PostgresTestCluster.fromEnvironment(complete))
        let object = try JSONSerialization.jsonObject(with: Data(cluster.storageJSON(database: "t1").utf8)) as? [String: Any]
        XCTAssertEqual(object?["engine"] as? String, "postgresql")
        let postgresql = try XCTUnwrap(object?["postgresql"] as? [String: Any])
        XCTAssertEqual(postgresql["host"] as? String, "127.0.0.1")
        XCTAssertEqual(postgresql["port"] as? Int, 25432)
        XCTAssertEqual(postgresql["database"] as? String, "t1")
        XCTAssertEqual(postgresql["user"] as? String, "coffer")
        XCTAssertEqual(postgresql["passwordFile"] as? String, "/state/password")
        XCTAssertEqual(postgresql["caFile"] as? String, "/state/ca.crt")
        XCTAssertEqual(postgresql["maxConnections"] as? Int, 16)
        XCTAssertEqual(postgresql["connectTimeoutSeconds"] as? Int, 5)
    }
}
