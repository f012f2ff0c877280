import Foundation
import XCTest

/// Key rotation over the wire and through `coffer rotate`, including `kill -9` of the server in
/// the middle of each kind of rotation (issue 4).
final class RotationE2ETests: E2ETestCase {
    func testRotationCommandsAnswerTheirVersionAndRefuseOtherRoles() throws {
        let server = try startServer()
        let (tenantToken, admin) = try makeTenant("acme", on: server)
        _ = tenantToken
        try admin.request(#"SET alice phone "+1 555""#)
        let subjectToken = try issueToken("alice", by: admin)
        let op = try server.connectAsOperator()

        assertObject(try op.request("MASTER ROTATE"), ["version": 2])
        assertObject(try op.request("MASTER ROTATE"), ["version": 3])
        assertObject(try admin.request("KEY ROTATE"), ["version": 2])
        assertError(try op.request("KEY ROTATE"), "FORBIDDEN")
        assertError(try admin.request("MASTER ROTATE"), "FORBIDDEN")
        assertObject(try admin.request("DATA ROTATE"), ["tenant": "acme", "state": "running"])
        let subject = try server.connect()
        try subject.auth(subjectToken)
        assertError(try subject.request("KEY ROTATE"), "FORBIDDEN")
        assertError(try subject.request("DATA ROTATE"), "FORBIDDEN")
        let anonymous = try server.connect()
        assertError(try anonymous.request("MASTER ROTATE"), "AUTH_REQUIRED")
        assertError(try admin.request("KEY ROTATE now"), "SYNTAX")
        assertError(try admin.request("DATA"), "SYNTAX")
        assertError(try admin.request("DATA FOO"), "UNKNOWN_COMMAND")

        var status = try admin.request("DATA STATUS")
        for _ in 0..<100 where !status.contains(#""state":"done""#) {
            Thread.sleep(forTimeInterval: 0.05)
            status = try admin.request("DATA STATUS")
        }
        assertObject(status, ["state": "done", "done": 1, "total": 1])
        assertValue(try admin.request("GET alice phone"), "+1 555")
        assertValue(try subject.request("GET alice phone"), "+1 555")
    }

    /// Loads `count` subjects with two fields each through one pipelined burst.
    private func load(_ client: E2EClient, count: Int) throws {
        var burst = ""
        for i in 0..<count { burst += "SET user\(i) phone \"+49 \(i)\" city Berlin\(i)\n" }
        try client.send(raw: burst)
        for i in 0..<count {
            let reply = try client.readReply()
            XCTAssertEqual(reply, "OK", "SET \(i)")
        }
    }

    private func assertLoaded(_ client: E2EClient, count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        var burst = ""
        for i in 0..<count { burst += "GET user\(i) phone\n" }
        try client.send(raw: burst)
        for i in 0..<count {
            XCTAssertEqual(try client.readReply(), "OK \"+49 \(i)\"", "user\(i)", file: file, line: line)
        }
    }

    func testKillDuringEachKindOfRotationLosesNothing() throws {
        let installation = try E2EInstallation()
        var server = try installation.serve()
        let op = try server.connect()
        try op.auth(try installation.operatorToken())
        let tenantToken = try op.createClaimedTenant("acme", connect: server.connect)
        let admin = try server.connect()
        try admin.auth(tenantToken)
        let count = 1500
        try load(admin, count: count)

        let rotations = ["KEY ROTATE", "DATA ROTATE", "MASTER ROTATE", "KEY ROTATE", "DATA ROTATE"]
        for (round, rotation) in rotations.enumerated() {
            let client = try server.connect()
            try client.auth(rotation == "MASTER ROTATE" ? try installation.operatorToken() : tenantToken)
            try client.send(raw: rotation + "\n")
            Thread.sleep(forTimeInterval: [0.0, 0.005, 0.02, 0.05, 0.002][round])
            server.terminate(signal: SIGKILL)

            server = try installation.serve()
            let check = try server.connect()
            try check.auth(tenantToken)
            try assertLoaded(check, count: count)
            // The interrupted job is finished (or can be rerun) after the restart.
            XCTAssertTrue(try check.request("WHOAMI").contains("acme"))
        }
        let final = try server.connect()
        try final.auth(tenantToken)
        XCTAssertTrue(try final.request("KEY ROTATE").hasPrefix("OK {\"version\":"))
        try final.request("DATA ROTATE")
        var status = try final.request("DATA STATUS")
        for _ in 0..<200 where !status.contains(#""state":"done""#) {
            Thread.sleep(forTimeInterval: 0.05)
            status = try final.request("DATA STATUS")
        }
        XCTAssertTrue(status.contains(#""done":1500,"total":1500"#), status)
        try assertLoaded(final, count: count)
        try server.stop()
    }

    func testCofferRotateCommandLineJobsFinishWithStatusZero() throws {
        let installation = try E2EInstallation()
        let server = try installation.serve()
        let op = try server.connect()
        try op.auth(try installation.operatorToken())
        let tenantToken = try op.createClaimedTenant("acme", connect: server.connect)
        let admin = try server.connect()
        try admin.auth(tenantToken)
        try load(admin, count: 50)
        let tokenFile = installation.root + "/acme.token"
        _ = FileManager.default.createFile(atPath: tokenFile, contents: Data(tenantToken.utf8), attributes: [.posixPermissions: 0o600])
        let common = ["--config", installation.configPath, "--port", "\(server.port)"]

        let master = try E2EExecutable.run(["rotate", "master", "--token-file", installation.operatorTokenPath] + common)
        XCTAssertEqual(master.status, 0, master.stderr)
        XCTAssertTrue(master.stdout.contains("now version 2"), master.stdout)

        let tenant = try E2EExecutable.run(["rotate", "tenant", "acme", "--token-file", tokenFile] + common)
        XCTAssertEqual(tenant.status, 0, tenant.stderr)
        XCTAssertTrue(tenant.stdout.contains("now version 2"), tenant.stdout)

        let wrongTenant = try E2EExecutable.run(["rotate", "tenant", "other", "--token-file", tokenFile] + common)
        XCTAssertEqual(wrongTenant.status, 1)

        let data = try E2EExecutable.run(["rotate", "data", "--poll-seconds", "0.05", "--token-file", installation.operatorTokenPath] + common)
        XCTAssertEqual(data.status, 0, data.stderr)
        XCTAssertTrue(data.stdout.contains("re-encryption done: 50 of 50"), data.stdout)
        XCTAssertTrue(data.stderr.contains("50/50"), "plain progress lines when not on a terminal")
        XCTAssertFalse(data.stderr.contains(tenantToken) || data.stdout.contains(tenantToken))

        let noToken = try E2EExecutable.run(["rotate", "master"] + common)
        XCTAssertEqual(noToken.status, 2)
        try assertLoaded(admin, count: 50)
        try server.stop()
    }
}
