import Foundation
import XCTest
import CofferClient

/// CONTRACT.md §7: what the first start of `coffer serve` creates, and what it re-creates later.
final class BootstrapExecutableE2ETests: E2ETestCase {
    func testFirstStartCreatesTheSecretFilesWithMode0600() throws {
        let installation = try E2EInstallation()
        XCTAssertEqual(installation.createdPaths(), [])
        let server = try installation.serve()
        for path in [installation.masterKeyPath, installation.operatorTokenPath, installation.privateKeyPath] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), "\(path) is created")
            XCTAssertEqual(try installation.mode(path), 0o600, "\(path) is mode 0600")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: installation.certificatePath), "the certificate is created")
        XCTAssertGreaterThanOrEqual(try installation.operatorToken().count, 16, "the operator token is not trivially short")
        let client = try server.connect()
        assertObject(try client.auth(installation.operatorToken()), ["role": "operator"])
        XCTAssertEqual(server.terminate(), 0)
    }

    func testSelfSignedCertificateIsValidForLocalhostAnd127001() throws {
        let installation = try E2EInstallation()
        let server = try installation.serve()
        defer { server.terminate() }
        for (host, name) in [("127.0.0.1", "localhost"), ("127.0.0.1", "127.0.0.1")] {
            let client = E2EClient(try CofferConnection(configuration: ClientConfiguration(
                host: host, port: server.port, trustedCertificatePath: installation.certificatePath, serverName: name,
                timeoutSeconds: 5)))
            assertReply(try client.request("PING"), #"OK "PONG""#, "verified as \(name)")
        }
        XCTAssertThrowsError(try CofferConnection(configuration: ClientConfiguration(
            host: "127.0.0.1", port: server.port, trustedCertificatePath: installation.certificatePath,
            serverName: "example.com", timeoutSeconds: 5)), "the certificate is not valid for other names")
    }

    func testMissingTLSCertificateAndKeyAreRecreatedNextToExistingData() throws {
        let installation = try E2EInstallation()
        let first = try installation.serve()
        let op = try first.connect()
        _ = try op.auth(installation.operatorToken())
        _ = try op.request("TENANT CREATE acme")
        op.close()
        try first.stop()
        let oldCertificate = try XCTUnwrap(FileManager.default.contents(atPath: installation.certificatePath))
        try FileManager.default.removeItem(atPath: installation.certificatePath)
        try FileManager.default.removeItem(atPath: installation.privateKeyPath)

        let second = try installation.serve()
        defer { second.terminate() }
        XCTAssertEqual(try installation.mode(installation.privateKeyPath), 0o600)
        XCTAssertNotEqual(FileManager.default.contents(atPath: installation.certificatePath), oldCertificate, "a new certificate")
        let client = try second.connect()
        assertObject(try client.auth(installation.operatorToken()), ["role": "operator"], "the operator token was kept")
        assertValue(try client.request("TENANT LIST"), [["tenant": "acme", "subjects": 0]], "the data was kept")
    }

    func testRestartKeepsTheSameKeysAndToken() throws {
        let installation = try E2EInstallation()
        try installation.bootstrap()
        let files = [installation.masterKeyPath, installation.operatorTokenPath, installation.certificatePath, installation.privateKeyPath]
        let before = files.map { FileManager.default.contents(atPath: $0) }
        try installation.bootstrap()
        XCTAssertEqual(files.map { FileManager.default.contents(atPath: $0) }, before, "nothing is replaced on a restart")
    }
}
