import Foundation
import XCTest

/// `coffer rotate operator-token` and `coffer rotate admin-token`: a token file's token is
/// replaced while the server runs, with no restart and nothing copied by hand.
final class TokenRotationCLITests: XCTestCase {
    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    func testTheOperatorTokenIsRotatedWithoutARestartAndSurvivesOne() throws {
        let installation = try E2EInstallation()
        var server = try installation.serve()
        let old = try installation.operatorToken()
        let common = ["--config", installation.configPath, "--port", "\(server.port)"]
        let run = try E2EExecutable.run(["rotate", "operator-token", "--token-file", installation.operatorTokenPath] + common)
        XCTAssertEqual(run.status, 0, run.stderr)
        let new = try installation.operatorToken()
        XCTAssertNotEqual(new, old)
        XCTAssertEqual(try mode(installation.operatorTokenPath), 0o600)
        XCTAssertFalse(FileManager.default.fileExists(atPath: installation.operatorTokenPath + ".new"), "the staged file was moved into place")
        for output in [run.stdout, run.stderr] {
            XCTAssertFalse(output.contains(new) || output.contains(old), "no token is ever printed")
        }
        let client = try server.connect()
        assertAuth(try client.auth(new), role: "operator")
        XCTAssertTrue(try server.connect().auth(old).hasPrefix("ERR AUTH_FAILED"), "the old token is retired")

        try server.stop()
        server = try installation.serve()
        assertAuth(try server.connect().auth(new), role: "operator")
        XCTAssertTrue(try server.connect().auth(old).hasPrefix("ERR AUTH_FAILED"))
        try server.stop()
    }

    func testATenantRotatesItsAdminTokenFileItself() throws {
        let installation = try E2EInstallation()
        let server = try installation.serve()
        let op = try server.connect()
        try op.auth(try installation.operatorToken())
        let old = try op.createClaimedTenant("acme", connect: server.connect)
        let tokenFile = installation.root + "/acme.token"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data((old + "\n").utf8), attributes: [.posixPermissions: 0o600])
        let common = ["--config", installation.configPath, "--port", "\(server.port)"]

        let run = try E2EExecutable.run(["rotate", "admin-token", "--token-file", tokenFile] + common)
        XCTAssertEqual(run.status, 0, run.stderr)
        let new = String(decoding: try XCTUnwrap(FileManager.default.contents(atPath: tokenFile)), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertNotEqual(new, old)
        XCTAssertTrue(try server.connect().auth(new).hasPrefix(#"OK {"role":"tenant""#))
        XCTAssertTrue(try server.connect().auth(old).hasPrefix("ERR AUTH_FAILED"))

        let operatorRun = try E2EExecutable.run(["rotate", "admin-token", "--token-file", installation.operatorTokenPath] + common)
        XCTAssertEqual(operatorRun.status, 1, "the operator has no admin token to rotate")
        assertAuth(try server.connect().auth(try installation.operatorToken()), role: "operator", "the operator token file is untouched")
        try server.stop()
    }

    private func assertAuth(_ reply: String, role: String, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(reply.hasPrefix(#"OK {"role":"\#(role)""#), "\(reply.prefix(40)) \(message)", file: file, line: line)
    }
}
