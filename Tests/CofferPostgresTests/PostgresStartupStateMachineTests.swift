import XCTest
import Foundation
@testable import CofferPostgres

final class PostgresStartupStateMachineTests: XCTestCase {
    private func machine(password: String = "correct horse") -> PostgresStartupStateMachine {
        PostgresStartupStateMachine(user: "coffer", database: "vault", applicationName: "coffer-test", password: secure(password))
    }

    private func message(_ bytes: [UInt8]) throws -> PostgresBackendMessage {
        var decoder = PostgresMessageDecoder(maximumMessageBytes: 1 << 16)
        decoder.append(bytes)
        return try XCTUnwrap(try decoder.next())
    }

    private func data(of action: PostgresStartupStateMachine.Action) throws -> [UInt8] {
        guard case .send(let messages) = action, messages.count == 1 else { throw XCTSkip("not a send: \(action)") }
        switch messages[0] {
        case .saslInitialResponse(let mechanism, let data):
            XCTAssertEqual(mechanism, "SCRAM-SHA-256")
            return data
        case .saslResponse(let data): return data
        default: throw XCTSkip("not a SASL message: \(messages[0])")
        }
    }

    func testTheStartupMessageNamesUserDatabaseAndUTF8() {
        var startup = machine()
        XCTAssertEqual(startup.start(), .send([.startup(parameters: [
            ("user", "coffer"), ("database", "vault"), ("application_name", "coffer-test"), ("client_encoding", "UTF8"),
        ])]))
    }

    /// The whole exchange as PostgreSQL runs it, against the test server's SCRAM.
    func testSCRAMThenParametersThenReady() throws {
        var startup = machine()
        _ = startup.start()
        var server = TestSCRAMServer(password: "correct horse")
        let clientFirst = try data(of: startup.receive(try message(BackendBytes.sasl(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]))))
        let serverFirst = try server.serverFirst(for: clientFirst)
        let clientFinal = try data(of: startup.receive(try message(BackendBytes.saslContinue(serverFirst))))
        XCTAssertEqual(startup.receive(try message(BackendBytes.saslFinal(try server.serverFinal(for: clientFinal)))), .wait)
        XCTAssertEqual(startup.receive(try message(BackendBytes.authenticationOk)), .wait)
        XCTAssertEqual(startup.receive(try message(BackendBytes.error([("S", "NOTICE"), ("M", "hello")], type: "N"))), .wait)
        XCTAssertEqual(startup.receive(try message(BackendBytes.parameterStatus("server_version", "15.4"))), .wait)
        XCTAssertEqual(startup.receive(try message(BackendBytes.backendKeyData)), .wait)
        XCTAssertFalse(startup.isReady)
        XCTAssertEqual(startup.receive(try message(BackendBytes.readyForQuery())), .ready)
        XCTAssertTrue(startup.isReady)
        XCTAssertEqual(startup.serverParameters["server_version"], "15.4")
        XCTAssertEqual(startup.backendKey?.processID, 4242)
    }

    /// Cleartext, MD5, Kerberos, GSS, SSPI, SCM and "trust" are refused before anything is sent.
    func testEveryOtherMethodIsRefused() throws {
        let requests: [[UInt8]] = [
            BackendBytes.cleartextPassword, BackendBytes.md5Password, BackendBytes.authentication(2),
            BackendBytes.authentication(6), BackendBytes.authentication(7), BackendBytes.authentication(9),
            BackendBytes.authenticationOk, BackendBytes.authentication(99), BackendBytes.sasl(["SCRAM-SHA-256-PLUS"]),
        ]
        for request in requests {
            var startup = machine()
            _ = startup.start()
            let action = startup.receive(try message(request))
            guard case .fail(.authenticationMethodRefused) = action else { return XCTFail("\(request): \(action)") }
            XCTAssertEqual(startup.receive(try message(BackendBytes.readyForQuery())), .fail(.protocolViolation("ReadyForQuery outside startup")))
        }
    }

    /// A server that skips its signature (AuthenticationOk right after our proof) has not
    /// proved that it knows the password.
    func testAuthenticationOkWithoutTheServerSignatureIsRefused() throws {
        var startup = machine()
        _ = startup.start()
        var server = TestSCRAMServer(password: "correct horse")
        let clientFirst = try data(of: startup.receive(try message(BackendBytes.sasl(["SCRAM-SHA-256"]))))
        _ = try data(of: startup.receive(try message(BackendBytes.saslContinue(try server.serverFirst(for: clientFirst)))))
        guard case .fail(.authenticationFailed) = startup.receive(try message(BackendBytes.authenticationOk)) else { return XCTFail() }
    }

    func testAWrongServerSignatureFails() throws {
        var startup = machine()
        _ = startup.start()
        var server = TestSCRAMServer(password: "another password")
        let clientFirst = try data(of: startup.receive(try message(BackendBytes.sasl(["SCRAM-SHA-256"]))))
        _ = try data(of: startup.receive(try message(BackendBytes.saslContinue(try server.serverFirst(for: clientFirst)))))
        let forged = "v=" + Data(repeating: 7, count: 32).base64EncodedString()
        guard case .fail(.authenticationFailed) = startup.receive(try message(BackendBytes.saslFinal(forged))) else { return XCTFail() }
    }

    /// A wrong password: PostgreSQL answers the proof with FATAL 28P01.
    func testARejectedPasswordIsAnAuthenticationError() throws {
        var startup = machine()
        _ = startup.start()
        var server = TestSCRAMServer(password: "correct horse")
        let clientFirst = try data(of: startup.receive(try message(BackendBytes.sasl(["SCRAM-SHA-256"]))))
        _ = try data(of: startup.receive(try message(BackendBytes.saslContinue(try server.serverFirst(for: clientFirst)))))
        let action = startup.receive(try message(BackendBytes.error(sqlState: "28P01", message: "password authentication failed for user \"coffer\"", severity: "FATAL")))
        guard case .fail(.authenticationRejected(let error)) = action else { return XCTFail("\(action)") }
        XCTAssertEqual(error.sqlState, "28P01")
    }

    func testOtherStartupErrorsAreServerErrors() throws {
        var startup = machine()
        _ = startup.start()
        let action = startup.receive(try message(BackendBytes.error(sqlState: "3D000", message: "database \"vault\" does not exist", severity: "FATAL")))
        guard case .fail(.server(let error)) = action else { return XCTFail("\(action)") }
        XCTAssertEqual(error.sqlState, "3D000")
    }

    func testMessagesOutOfOrderAreViolations() throws {
        var startup = machine()
        _ = startup.start()
        guard case .fail(.protocolViolation) = startup.receive(try message(BackendBytes.readyForQuery())) else { return XCTFail() }
        var early = machine()
        _ = early.start()
        guard case .fail = early.receive(try message(BackendBytes.saslFinal("v=abc"))) else { return XCTFail() }
        var afterProof = machine()
        _ = afterProof.start()
        _ = afterProof.receive(try message(BackendBytes.sasl(["SCRAM-SHA-256"])))
        guard case .fail(.protocolViolation) = afterProof.receive(try message(BackendBytes.parameterStatus("a", "b"))) else { return XCTFail() }
    }
}
