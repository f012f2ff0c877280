import CofferServer
import CofferStore
import Foundation
import XCTest

/// `coffer backup`, `coffer restore` and `coffer verify`, run as the operator would: the built
/// executable in its own process, next to a server running in this one.
final class BackupCLITests: XCTestCase {
    private var root: String!
    private var server: CofferService?

    private var configPath: String { root + "/config/coffer.json" }
    private var configuration: ServerConfiguration {
        var configuration = ServerConfiguration(baseDirectory: root + "/config")
        configuration.port = 0
        return configuration
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        root = NSTemporaryDirectory() + "coffer-backup-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/config", withIntermediateDirectories: true)
        // The contract's default paths: data in ../data, keys in ../keys, beside config/.
        try Data(#"{"listen": {"host": "127.0.0.1", "port": 0}}"#.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    override func tearDownWithError() throws {
        stopServer()
        try? FileManager.default.removeItem(atPath: root)
        try super.tearDownWithError()
    }

    // MARK: Tests

    func testBackupWhileTheServerServesGivesAnOwnerOnlyBackupWithoutSecretsThatVerifies() throws {
        try startServer()
        try fill(vault, tenant: "acme", subjects: 5)
        let backup = root + "/backups/nightly"

        let result = try CofferCommand.run(["backup", "--config", configPath, "--to", backup])

        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.stdout.contains("backup written to \(backup)"), result.stdout)
        XCTAssertEqual(try permissions(backup), 0o700)
        let names = try FileManager.default.contentsOfDirectory(atPath: backup).sorted()
        XCTAssertEqual(names, ["keyring.db", "manifest.json", "vault.db"])
        let operatorToken = try XCTUnwrap(FileManager.default.contents(atPath: configuration.operatorTokenPath))
        let token = Data(String(decoding: operatorToken, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        let masterKeyFile = try XCTUnwrap(FileManager.default.contents(atPath: configuration.masterKeyPath))
        let masterKey = masterKeyFile.suffix(32)  // one version: magic, format, count, version, key
        XCTAssertEqual(masterKeyFile.count, 6 + 36)
        for name in names {
            let path = backup + "/" + name
            XCTAssertEqual(try permissions(path), 0o600, name)
            let contents = try Data(contentsOf: URL(fileURLWithPath: path))
            XCTAssertNil(contents.range(of: masterKey), "\(name) holds the master key")
            XCTAssertNil(contents.range(of: token), "\(name) holds the operator token")
            XCTAssertNil(contents.range(of: Data("acme-3@example.com".utf8)), "\(name) holds a subject identifier in clear")
        }

        let verifyBackup = try CofferCommand.run(["verify", "--config", configPath, "--backup", backup])
        XCTAssertEqual(verifyBackup.status, 0, verifyBackup.output)
        XCTAssertTrue(verifyBackup.stdout.contains("all checks passed"), verifyBackup.stdout)
        XCTAssertTrue(verifyBackup.stdout.contains("5 subjects decrypted end to end"), verifyBackup.stdout)

        let verifyLive = try CofferCommand.run(["verify", "--config", configPath])
        XCTAssertEqual(verifyLive.status, 0, verifyLive.output)
        XCTAssertEqual(try vault.get(subject: "acme-1@example.com", field: "phone", tenant: "acme"), "+49 30 1", "the server kept serving")
    }

    func testRestoreIsRefusedWhileTheServerRunsAndRestoresOnceItIsStopped() throws {
        try startServer()
        try fill(vault, tenant: "acme", subjects: 3)
        let backup = root + "/backups/nightly"
        XCTAssertEqual(try CofferCommand.run(["backup", "--config", configPath, "--to", backup]).status, 0)
        try vault.shredSubject("acme-0@example.com", tenant: "acme")

        let refused = try CofferCommand.run(["restore", "--config", configPath, "--from", backup, "--force"])

        XCTAssertEqual(refused.status, 1, refused.output)
        XCTAssertTrue(refused.stderr.contains("is open in another process"), refused.stderr)
        XCTAssertEqual(try vault.listSubjects(tenant: "acme").subjects.count, 2, "a refused restore changed the live data")

        stopServer()
        let withoutForce = try CofferCommand.run(["restore", "--config", configPath, "--from", backup])
        XCTAssertEqual(withoutForce.status, 1, withoutForce.output)
        XCTAssertTrue(withoutForce.stderr.contains("--force"), withoutForce.stderr)

        let restored = try CofferCommand.run(["restore", "--config", configPath, "--from", backup, "--force"])
        XCTAssertEqual(restored.status, 0, restored.output)
        let verified = try CofferCommand.run(["verify", "--config", configPath])
        XCTAssertEqual(verified.status, 0, verified.output)
        try startServer()
        XCTAssertEqual(try vault.get(subject: "acme-0@example.com", field: "phone", tenant: "acme"), "+49 30 0")
    }

    /// The Must-show of issue 4, over the command line.
    func testVaultBackupRestoredAfterATenantShredWithTheCurrentKeyringKeepsTheShreddedTenantUnreadable() throws {
        try startServer()
        try fill(vault, tenant: "alpha", subjects: 4)
        try fill(vault, tenant: "beta", subjects: 4)
        let backup = root + "/backups/vault-before-shred"
        XCTAssertEqual(try CofferCommand.run(["backup", "--config", configPath, "--to", backup, "--only", "vault"]).status, 0)
        try vault.shredTenant("alpha")

        let preview = try CofferCommand.run(["verify", "--config", configPath, "--backup", backup])
        XCTAssertEqual(preview.status, 0, preview.output)
        XCTAssertTrue(preview.stdout.contains("4 subjects of 1 shredded tenant(s): unreadable (shredded tenant), as expected"), preview.stdout)

        stopServer()
        let restored = try CofferCommand.run(["restore", "--config", configPath, "--from", backup, "--only", "vault", "--force"])
        XCTAssertEqual(restored.status, 0, restored.output)
        XCTAssertTrue(restored.stdout.contains("4 subjects of 1 tenant(s) shredded since the backup stay unreadable"), restored.stdout)

        try startServer()
        XCTAssertThrowsError(try vault.get(subject: "alpha-0@example.com", field: "phone", tenant: "alpha")) { error in
            guard case .notFound(.tenant) = error as? VaultError else { return XCTFail("unexpected: \(error)") }
        }
        XCTAssertEqual(try vault.listTenants().map(\.name), ["beta"])
        for index in 0..<4 {
            XCTAssertEqual(try vault.get(subject: "beta-\(index)@example.com", field: "phone", tenant: "beta"), "+49 30 \(index)")
        }
    }

    func testABackupPairKeepsAnIntactAuditTrailAndAVaultOnlyRestoreReportsTheRecordsItLoses() throws {
        try startServer()
        try call(["TENANT CREATE acme", "TENANT CREATE beta", "TENANT LIST"])
        let pair = root + "/backups/pair"
        let vaultOnly = root + "/backups/vault-only"
        XCTAssertEqual(try CofferCommand.run(["backup", "--config", configPath, "--to", pair]).status, 0)
        XCTAssertEqual(try CofferCommand.run(["backup", "--config", configPath, "--to", vaultOnly, "--only", "vault"]).status, 0)

        let verified = try CofferCommand.run(["verify", "--config", configPath, "--backup", pair])
        XCTAssertEqual(verified.status, 0, verified.output)
        XCTAssertTrue(verified.stdout.contains("records chain intact up to the keyring's head"), verified.stdout)

        try call(["TENANT SHRED beta", "TENANT LIST"])
        stopServer()
        let restored = try CofferCommand.run(["restore", "--config", configPath, "--from", vaultOnly, "--force"])
        XCTAssertEqual(restored.status, 0, restored.output)
        // At least the shred's record (a read's record may be queued, not yet written, at the stop).
        XCTAssertTrue(restored.stdout.contains("record(s) written after the vault backup"), restored.stdout)
        XCTAssertFalse(restored.stdout.contains("lost the 0 record"), restored.stdout)

        let pairRestored = try CofferCommand.run(["restore", "--config", configPath, "--from", pair, "--force"])
        XCTAssertEqual(pairRestored.status, 0, pairRestored.output)
        XCTAssertFalse(pairRestored.stdout.contains("audit trail lost"), pairRestored.stdout)
        let live = try CofferCommand.run(["verify", "--config", configPath])
        XCTAssertEqual(live.status, 0, live.output)
    }

    func testVerifyOfATamperedBackupExitsOneAndNamesTheFile() throws {
        try startServer()
        try fill(vault, tenant: "acme", subjects: 2)
        let backup = root + "/backups/nightly"
        XCTAssertEqual(try CofferCommand.run(["backup", "--config", configPath, "--to", backup]).status, 0)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: backup + "/vault.db"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()

        let result = try CofferCommand.run(["verify", "--config", configPath, "--backup", backup])

        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.stdout.contains("1 problem(s) found"), result.stdout)
        XCTAssertTrue(result.stdout.contains("vault.db does not match the backup manifest"), result.stdout)
    }

    func testUsageErrorsExitTwoAndHelpDescribesTheOptions() throws {
        XCTAssertEqual(try CofferCommand.run(["backup", "--config", configPath]).status, 2)
        XCTAssertEqual(try CofferCommand.run(["backup", "--config", configPath, "--to", root + "/b", "--only", "everything"]).status, 2)
        XCTAssertEqual(try CofferCommand.run(["restore", "--config", configPath]).status, 2)
        XCTAssertEqual(try CofferCommand.run(["verify", "--config", configPath, "--sample", "-1"]).status, 2)
        XCTAssertEqual(try CofferCommand.run(["verify", "--config", configPath, "--frobnicate"]).status, 2)

        let overview = try CofferCommand.run(["--help"])
        for command in ["backup", "restore", "verify"] {
            XCTAssertTrue(overview.stdout.contains("  \(command) "), "coffer --help does not list \(command)")
            let help = try CofferCommand.run([command, "--help"])
            XCTAssertEqual(help.status, 0)
            XCTAssertTrue(help.stdout.contains("Usage: coffer \(command) [--config PATH]"), help.stdout)
        }
        XCTAssertTrue(try CofferCommand.run(["backup", "--help"]).stdout.contains("--only vault|keyring"))
        XCTAssertTrue(try CofferCommand.run(["restore", "--help"]).stdout.contains("--force"))
        XCTAssertTrue(try CofferCommand.run(["verify", "--help"]).stdout.contains("--sample N"))
    }

    func testVerifyOfALiveDirectoryWithoutDatabasesExitsOne() throws {
        let result = try CofferCommand.run(["verify", "--config", configPath])
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.stdout.contains("vault.db is missing"), result.stdout)
    }

    // MARK: Helpers

    /// Starts a server on the test's directories.
    private func startServer() throws {
        stopServer()
        let service = try CofferService(configuration: configuration)
        service.start()
        server = service
    }

    /// The running server's vault. Tests keep no reference to it, so that stopping the server
    /// closes its databases, as the end of a server process would.
    private var vault: Vault {
        get throws { try XCTUnwrap(server?.vault, "no server is running") }
    }

    /// Stops the server and waits until its vault is gone, which closes its databases, as the
    /// end of a server process would (connection threads may hold it a moment after `stop`).
    private func stopServer() {
        guard server != nil else { return }
        weak let vault = detachServer()
        let deadline = Date().addingTimeInterval(10)
        while vault != nil && Date() < deadline { usleep(10_000) }
        XCTAssertNil(vault, "the stopped server's vault is still referenced")
    }

    /// Stops the server and drops this test's references to it; returns its vault.
    private func detachServer() -> Vault? {
        let service = server
        server = nil
        service?.stop(timeout: 5)
        service?.vault.close()
        return service?.vault
    }

    /// Sends request lines as the operator through `coffer call`, so that they are audited as
    /// any client's; fails unless every reply is OK.
    private func call(_ lines: [String]) throws {
        let port = try XCTUnwrap(server?.port)
        let result = try CofferCommand.run(["call", "--config", configPath, "--port", String(port),
                                            "--token-file", configuration.operatorTokenPath] + lines)
        XCTAssertEqual(result.status, 0, result.output)
    }

    private func fill(_ vault: Vault, tenant: String, subjects: Int) throws {
        _ = try vault.createTenant(tenant)
        for index in 0..<subjects {
            try vault.set(subject: "\(tenant)-\(index)@example.com",
                          pairs: [FieldValue(field: "phone", value: "+49 30 \(index)"), FieldValue(field: "city", value: "Berlin")],
                          tenant: TenantRef(tenant), createSubject: true)
        }
    }

    private func permissions(_ path: String) throws -> Int {
        try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }
}
