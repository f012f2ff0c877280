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
