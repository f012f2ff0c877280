import Foundation
import XCTest
import CofferCrypto
@testable import CofferPostgres

/// The throwaway cluster the PostgreSQL suites run against, described by the variables that
/// `Tests/Postgres/cluster.sh start` prints. Without them the integration tests skip, naming
/// the first variable that is missing.
struct IntegrationEnvironment {
    let host: String
    let port: Int
    let database: String
    let user: String
    let passwordFile: String
    let caFile: String
    /// The server's Unix-socket directory, when the cluster script exports it.
    let socketDirectory: String?

    static let names = ["HOST", "PORT", "DATABASE", "USER", "PASSWORD_FILE", "CA_FILE"].map { "COFFER_TEST_POSTGRES_" + $0 }

    static func load() throws -> IntegrationEnvironment {
        let environment = ProcessInfo.processInfo.environment
        for name in names where (environment[name] ?? "").isEmpty {
            throw XCTSkip("\(name) is not set: no PostgreSQL test cluster (start one with `eval \"$(Tests/Postgres/cluster.sh start)\"`)")
        }
        guard let port = Int(environment["COFFER_TEST_POSTGRES_PORT"]!) else { throw XCTSkip("COFFER_TEST_POSTGRES_PORT is not a number") }
        return IntegrationEnvironment(
            host: environment["COFFER_TEST_POSTGRES_HOST"]!, port: port,
            database: environment["COFFER_TEST_POSTGRES_DATABASE"]!, user: environment["COFFER_TEST_POSTGRES_USER"]!,
            passwordFile: environment["COFFER_TEST_POSTGRES_PASSWORD_FILE"]!, caFile: environment["COFFER_TEST_POSTGRES_CA_FILE"]!,
            socketDirectory: environment["COFFER_TEST_POSTGRES_SOCKET_DIR"].flatMap { $0.isEmpty ? nil : $0 })
    }

    func configuration(password: SecureBytes? = nil) throws -> PostgresConfiguration {
        PostgresConfiguration(host: host, port: port, database: database, user: user,
                              password: try password ?? PostgresPasswordFile.read(passwordFile), caFile: caFile,
                              connectTimeoutSeconds: 5, operationTimeoutSeconds: 10, applicationName: "coffer-pgwire-tests")
    }
}
