import Foundation
import XCTest
@testable import coffer

/// `coffer audit verify [--config PATH]` against a running server's files: 0 when intact, 1 and
/// the first bad record when tampered with, 2 when it cannot check.
final class AuditVerifyCommandTests: E2ETestCase {
    private func configFile(for server: E2EServer) throws -> String {
        // The defaults (../data, ../keys) resolve against the config directory of the test server.
        let path = server.directory + "/config/coffer.json"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testVerifyExitsZeroForAnIntactTrailAndOneAfterTampering() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        for i in 0..<5 { try admin.request("SET s\(i) phone \(i)") }
        let config = try configFile(for: server)
        XCTAssertEqual(AuditCommand.run(["verify", "--config", config]), 0)

        let raw = try CofferStoreTestAccess.database(server.configuration.dataDirectory + "/vault.db")
        try raw.execute("UPDATE audit SET result = 'INVALID' WHERE seq = 3")
        XCTAssertEqual(AuditCommand.run(["verify", "--config", config]), 1)
    }

    /// The success line names the newest record and its MAC: archived elsewhere, it pins the
    /// trail's length and content up to that record, which a later rewrite cannot reproduce.
    func testTheExecutablePrintsTheHeadSeqAndItsMACOnTheSuccessLine() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        for i in 0..<3 { try admin.request("SET s\(i) phone \(i)") }
        let config = try configFile(for: server)

        let result = try E2EExecutable.run(["audit", "verify", "--config", config])

        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        let keyring = try CofferStoreTestAccess.database(server.configuration.dataDirectory + "/keyring.db")
        let stored = try XCTUnwrap(keyring.row("SELECT seq, mac FROM audit_head WHERE id = 1"))
        let seq = try XCTUnwrap(stored.int64(0))
        let mac = try XCTUnwrap(stored.blob(1)).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(mac.count, 64)
        let line = try XCTUnwrap(result.stdout.split(separator: "\n").first { $0.hasPrefix("audit trail intact") })
        XCTAssertTrue(line.hasSuffix("head: record \(seq), MAC \(mac)"), "the printed head is the keyring's: \(line)")
        let vault = try CofferStoreTestAccess.database(server.configuration.dataDirectory + "/vault.db")
        let record = try XCTUnwrap(vault.row("SELECT mac FROM audit WHERE seq = ?", seq)?.blob(0))
        XCTAssertEqual(record.map { String(format: "%02x", $0) }.joined(), mac, "and the chain's record of that seq")
    }

    func testVerifyExitsTwoWhenItCannotCheck() throws {
        let server = try startServer()
        let config = try configFile(for: server)
        XCTAssertEqual(AuditCommand.run(["verify", "--config", config]), 0, "control")
        XCTAssertEqual(AuditCommand.run(["verify", "--config", server.directory + "/missing.json"]), 2)
        XCTAssertEqual(AuditCommand.run(["check"]), 2)
        XCTAssertEqual(AuditCommand.run(["--help"]), 0)
        try FileManager.default.moveItem(atPath: server.configuration.masterKeyPath, toPath: server.configuration.masterKeyPath + ".away")
        XCTAssertEqual(AuditCommand.run(["verify", "--config", config]), 2)
    }
}
