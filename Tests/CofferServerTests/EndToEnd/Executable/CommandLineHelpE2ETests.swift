import Foundation
import XCTest

/// CONTRACT.md §7: `--help` for every command, and `coffer call` against a running server.
final class CommandLineHelpE2ETests: E2ETestCase {
    func testMainHelpExitsZeroAndNamesEveryCommand() throws {
        let (status, stdout, stderr) = try E2EExecutable.run(["--help"])
        XCTAssertEqual(status, 0)
        let text = stdout + stderr
        for command in ["serve", "call", "shell"] {
            XCTAssertTrue(text.contains(command), "coffer --help mentions \(command)")
        }
    }

    func testServeHelpExitsZeroAndDescribesConfig() throws {
        let (status, stdout, stderr) = try E2EExecutable.run(["serve", "--help"])
        XCTAssertEqual(status, 0)
        XCTAssertTrue((stdout + stderr).contains("--config"))
    }

    func testCallAndShellHelpExitZeroAndDescribeTheirOptions() throws {
        for command in ["call", "shell"] {
            let (status, stdout, stderr) = try E2EExecutable.run([command, "--help"])
            XCTAssertEqual(status, 0, command)
            for option in ["--config", "--host", "--port", "--ca", "--token-file"] {
                XCTAssertTrue((stdout + stderr).contains(option), "coffer \(command) --help mentions \(option)")
            }
        }
    }

    func testCallPrintsTheReplyLineOfARequest() throws {
        let server = try startServer()
        _ = try createTenant("acme", on: server)
        let configPath = server.directory + "/config/client.json"
        let config = #"{"listen": {"host": "127.0.0.1", "port": \#(server.port)}, "tls": {"certificate": "\#(server.certificatePath)"}}"#
        try Data(config.utf8).write(to: URL(fileURLWithPath: configPath))

        let (status, stdout, _) = try E2EExecutable.run(["call", "--config", configPath, "--token-file",
                                                          server.configuration.operatorTokenPath, "TENANT LIST"])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(stdout, #"OK [{"tenant":"acme","subjects":0}]"# + "\n")
        XCTAssertFalse(stdout.contains(server.operatorToken), "the token is never printed")
    }
}
