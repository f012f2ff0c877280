import Foundation
import XCTest
import CofferServer

/// Base class of the end-to-end tests: starts real servers on loopback, stops them and removes
/// their directories after each test, and offers assertions phrased in the contract's terms.
///
/// Failure messages never show a token: replies that may carry one are redacted first.
class E2ETestCase: XCTestCase {
    private var servers: [E2EServer] = []

    override func tearDown() {
        for server in servers { server.shutDown() }
        servers = []
        super.tearDown()
    }

    /// Starts a server that this test owns; it is stopped in `tearDown`. `clock` drives its
    /// per-minute accounting (`TestClock` moves it on without waiting).
    func startServer(clock: ServiceClock = .system, configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> E2EServer {
        let server = try E2EServer(clock: clock, configure: configure)
        servers.append(server)
        return server
    }

    // MARK: Fixtures

    /// `TENANT CREATE name` as the operator, then the tenant's `TENANT CLAIM` with the enrollment
    /// token and a first `AUTH` with the claimed token (which activates it); returns the tenant
    /// administrator's token.
    func createTenant(_ name: String, on server: E2EServer, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try claimTenant(enrollment: try enrollTenant(name, on: server, file: file, line: line), on: server, file: file, line: line)
    }

    /// `TENANT CREATE name` as the operator; returns the enrollment token.
    func enrollTenant(_ name: String, on server: E2EServer, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let op = try server.connectAsOperator()
        defer { op.close() }
        let reply = try op.request(words: ["TENANT", "CREATE", name], file: file, line: line)
        guard let token = try E2EJSON.parse(okReply: reply)["enrollment"]?.stringValue else {
            throw E2EFailure("TENANT CREATE answered no enrollment token: \(E2EClient.redacted(reply))")
        }
        return token
    }

    /// Claims a tenant with its enrollment token and activates the administrator token.
    func claimTenant(enrollment: String, on server: E2EServer, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let client = try server.connect(token: enrollment)
        defer { client.close() }
        let reply = try client.request("TENANT CLAIM", file: file, line: line)
        guard let token = try E2EJSON.parse(okReply: reply)["token"]?.stringValue else {
            throw E2EFailure("TENANT CLAIM answered no token: \(E2EClient.redacted(reply))")
        }
        let admin = try server.connect(token: token)
        admin.close()
        return token
    }

    /// Creates tenant `name` and returns its token with a connection authenticated as its administrator.
    func makeTenant(_ name: String, on server: E2EServer, file: StaticString = #filePath, line: UInt = #line) throws -> (token: String, admin: E2EClient) {
        let token = try createTenant(name, on: server, file: file, line: line)
        return (token, try server.connect(token: token))
    }

    /// `TOKEN ISSUE subject` as the tenant administrator `admin`; returns the subject's token.
    func issueToken(_ subject: String, by admin: E2EClient, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let reply = try admin.request(words: ["TOKEN", "ISSUE", subject], file: file, line: line)
        guard let token = try E2EJSON.parse(okReply: reply)["token"]?.stringValue else {
            throw E2EFailure("TOKEN ISSUE answered no token: \(E2EClient.redacted(reply))")
        }
        return token
    }

    // MARK: Assertions

    /// Runs `coffer serve` on `installation` and asserts a refusal whose message contains `named`.
    func assertRefusal(_ installation: E2EInstallation, naming named: String, _ context: String = "",
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let (status, stderr) = try installation.serveExpectingRefusal()
        XCTAssertNotNil(status, "\(context): coffer serve did not exit; it should have refused to start", file: file, line: line)
        XCTAssertNotEqual(status, 0, "\(context): exit status", file: file, line: line)
        XCTAssertTrue(stderr.contains(named), "\(context): the message should name \(named); stderr: \(stderr)", file: file, line: line)
        XCTAssertFalse(stderr.contains("listening on"), "\(context): it must not have served", file: file, line: line)
    }


    /// The reply is exactly `expected` (for `OK`, `OK "PONG"` and other fixed lines).
    func assertReply(_ reply: String, _ expected: String, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(E2EClient.redacted(reply), expected, message, file: file, line: line)
    }

    /// The reply is `ERR <code> <message>`.
    func assertError(_ reply: String, _ code: String, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(E2EClient.errorCode(reply), code,
                       "expected ERR \(code), got: \(E2EClient.redacted(reply)) \(message)", file: file, line: line)
    }

    /// The reply is `OK <json>` with exactly this JSON value.
    func assertValue(_ reply: String, _ expected: E2EJSON, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
        do {
            let value = try E2EJSON.parse(okReply: reply)
            XCTAssertEqual(value, expected, message, file: file, line: line)
        } catch {
            XCTFail("\(error) \(message)", file: file, line: line)
        }
    }

    /// The reply is `OK <json object>` holding each of `expected`'s members with exactly that value.
    /// Further members are allowed: the contract leaves extra JSON members to the implementation.
    func assertObject(_ reply: String, _ expected: [String: E2EJSON], _ message: String = "",
                      file: StaticString = #filePath, line: UInt = #line) {
        do {
            let value = try E2EJSON.parse(okReply: reply)
            guard case .object = value else {
                XCTFail("expected a JSON object, got \(value.redacting("token")) \(message)", file: file, line: line)
                return
            }
            for (key, expectedValue) in expected {
                XCTAssertEqual(value[key], expectedValue, "member \(key) of \(value.redacting("token")) \(message)",
                               file: file, line: line)
            }
        } catch {
            XCTFail("\(error) \(message)", file: file, line: line)
        }
    }

    /// The reply is `OK <json object>` whose member `key` is a non-empty string (a token).
    func assertTokenMember(_ reply: String, _ key: String = "token", file: StaticString = #filePath, line: UInt = #line) {
        let value = try? E2EJSON.parse(okReply: reply)
        let token = value?[key]?.stringValue
        XCTAssertFalse(token?.isEmpty ?? true, "member \(key) must be a non-empty string", file: file, line: line)
    }

    /// The server has closed `client`'s connection.
    func assertClosed(_ client: E2EClient, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(client.isClosedByServer(), "the server should have closed the connection \(message)", file: file, line: line)
    }
}
