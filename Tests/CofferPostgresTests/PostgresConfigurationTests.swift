import XCTest
import CofferCrypto
@testable import CofferPostgres

final class PostgresConfigurationTests: XCTestCase {
    private func configuration(host: String = "db.example", port: Int = 5432, caFile: String? = "/etc/ca.crt") -> PostgresConfiguration {
        PostgresConfiguration(host: host, port: port, database: "coffer", user: "coffer", password: secure("pw"), caFile: caFile)
    }

    func testTCPNeedsACAFileAndAUnixSocketDoesNot() throws {
        XCTAssertThrowsError(try configuration(caFile: nil).validate()) { error in
            guard case .invalidConfiguration(let why) = error as? PostgresError else { return XCTFail() }
            XCTAssertTrue(why.contains("caFile"))
        }
        XCTAssertNoThrow(try configuration(host: "/var/run/postgresql", caFile: nil).validate())
        XCTAssertThrowsError(try configuration(port: 0).validate())
        XCTAssertThrowsError(try configuration(host: "").validate())
    }

    /// Connecting to a closed port fails fast, naming host and port.
    func testAnUnreachableServerIsNamed() throws {
        let started = Date()
        XCTAssertThrowsError(try PostgresConnection.connect(configuration(host: "127.0.0.1", port: 1))) { error in
            guard case .connect(let host, let port, _) = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "127.0.0.1")
            XCTAssertEqual(port, 1)
            XCTAssertTrue("\(error)".contains("127.0.0.1:1"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertThrowsError(try PostgresConnection.connect(configuration(host: "/nonexistent-dir", port: 5432))) { error in
            guard case .connect(let host, let port, let reason) = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(host, "/nonexistent-dir")
            XCTAssertEqual(port, 5432)
            XCTAssertTrue(reason.contains("/nonexistent-dir/.s.PGSQL.5432"), reason)
        }
    }

    /// A socket directory too long for `sockaddr_un` is a configuration error, not an outage.
    func testATooLongSocketDirectoryIsAConfigurationError() throws {
        let directory = "/" + String(repeating: "d", count: 120)
        XCTAssertThrowsError(try PostgresConnection.connect(configuration(host: directory, port: 5432))) { error in
            guard case .invalidConfiguration = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertFalse((error as? PostgresError)?.isUnavailability ?? true)
        }
    }

    func testThePasswordFileDropsOneTrailingNewline() throws {
        let directory = NSTemporaryDirectory() + "coffer-pgpass-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/postgresql.password"
        for (contents, expected) in [("s3cret\n", "s3cret"), ("s3cret\n\n", "s3cret\n"), ("s3cret", "s3cret")] {
            try? FileManager.default.removeItem(atPath: path)
            _ = FileManager.default.createFile(atPath: path, contents: Data(contents.utf8), attributes: [.posixPermissions: 0o600])
            XCTAssertEqual(try PostgresPasswordFile.read(path).withUnsafeBytes { Array($0) }, Array(expected.utf8))
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        XCTAssertThrowsError(try PostgresPasswordFile.read(path)) { error in
            guard case .tooPermissive = error as? SecretFile.Failure else { return XCTFail("\(error)") }
        }
    }
}
