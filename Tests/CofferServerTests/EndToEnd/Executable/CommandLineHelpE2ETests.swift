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

    func testEveryCommandListedInTheMainHelpHasItsOwnHelp() throws {
        let (_, stdout, _) = try E2EExecutable.run(["--help"])
        // The commands are the first words of the indented lines after "Commands:".
        let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("Commands:") }, "a Commands: section")
        let commands = lines[(start + 1)...].prefix { $0.hasPrefix("  ") }.compactMap { $0.split(separator: " ").first.map(String.init) }
        XCTAssertTrue(Set(["serve", "call", "shell"]).isSubset(of: commands), "\(commands)")
        for command in commands {
            let (status, out, err) = try E2EExecutable.run([command, "--help"])
            XCTAssertEqual(status, 0, "coffer \(command) --help")
            XCTAssertTrue((out + err).contains("coffer \(command)"), "coffer \(command) --help describes the command")
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
