import XCTest
@testable import CofferPostgres
import CofferTLS

/// The connection against a scripted server over a socket pair: no PostgreSQL needed.
final class PostgresConnectionFakeServerTests: XCTestCase {
    func testLoginThenAQueryWithBinaryParameters() throws {
        let server = FakeServer { server in
            try server.acceptLogin(password: "correct horse")
            let messages = try server.readUntilSync()
            guard messages.map(\.type) == Array("PBDES".utf8) else { throw FakeServer.Closed() }
            // Parse: unnamed? no, named; the types declared are int8, bytea, text.
            let parse = messages[0].body
            let sqlEnd = parse[(parse.firstIndex(of: 0)! + 1)...].firstIndex(of: 0)!
            guard Array(parse[(sqlEnd + 1)...]) == be16(3) + be32(20) + be32(17) + be32(25) else { throw FakeServer.Closed() }
            server.send(BackendBytes.parseComplete + BackendBytes.bindComplete
                + BackendBytes.rowDescription([("id", 20), ("blob", 17), ("name", 25)])
                + BackendBytes.dataRow([[0, 0, 0, 0, 0, 0, 0, 7], [0xDE, 0xAD], Array("ana".utf8)])
                + BackendBytes.commandComplete("SELECT 1") + BackendBytes.readyForQuery())
            _ = server.readUntilClosed()
        }
        let connection = try connectedClient(to: server)
        XCTAssertEqual(connection.serverParameters["server_version"], "15.0")
        let result = try connection.query("SELECT $1::int8, $2::bytea, $3::text", [.int8(7), .bytea([0xDE, 0xAD]), .text("ana")])
        XCTAssertEqual(try result.rows[0][0].int64(), 7)
        XCTAssertEqual(try result.rows[0][1].bytea(), [0xDE, 0xAD])
        XCTAssertEqual(try result.rows[0][2].string(), "ana")
        connection.close()
        server.finish()
        XCTAssertEqual(server.messages.last?.type, UInt8(ascii: "X"), "close says Terminate")
    }

    /// Answers that arrive a byte at a time are reassembled by the connection's read loop.
    func testAnAnswerSplitIntoSingleBytes() throws {
        let server = FakeServer { server in
            try server.acceptLogin(password: "correct horse")
            try server.readUntilSync()
            let reply = BackendBytes.parseComplete + BackendBytes.bindComplete + BackendBytes.rowDescription([("blob", 17)])
                + BackendBytes.dataRow([Array(repeating: 0xAB, count: 100)]) + BackendBytes.commandComplete("SELECT 1") + BackendBytes.readyForQuery()
            for byte in reply {
                server.send([byte])
                usleep(200)
            }
            _ = server.readUntilClosed()
        }
        let connection = try connectedClient(to: server)
        XCTAssertEqual(try connection.query("SELECT $1::bytea", [.bytea([1])]).rows[0][0].bytea(), Array(repeating: 0xAB, count: 100))
        connection.close()
        server.finish()
    }

    /// The server closes in the middle of a message: a typed error at once, no hang.
    func testAServerThatClosesMidMessage() throws {
        let server = FakeServer { server in
            try server.acceptLogin(password: "correct horse")
            try server.readUntilSync()
            let row = BackendBytes.parseComplete + BackendBytes.bindComplete + BackendBytes.rowDescription([("id", 20)])
            server.send(row + Array(BackendBytes.dataRow([[1, 2, 3, 4, 5, 6, 7, 8]]).prefix(9)))
            server.hangUp()
        }
        let connection = try connectedClient(to: server, operationTimeout: 30)
        let started = Date()
        XCTAssertThrowsError(try connection.query("SELECT 1")) { error in
            XCTAssertEqual(error as? PostgresError, .connectionClosed(midMessage: true))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertTrue(connection.isBroken)
        XCTAssertThrowsError(try connection.query("SELECT 1")) { XCTAssertEqual($0 as? PostgresError, .connectionUnusable) }
        server.finish()
    }

    func testAServerThatClosesDuringStartup() throws {
        let server = FakeServer { server in
            _ = try server.readStartup()
            server.send(Array(BackendBytes.sasl(["SCRAM-SHA-256"]).prefix(7)))
            server.hangUp()
        }
        let connection = PostgresConnection(transport: server.clientTransport(), configuration: fakeConfiguration())
        XCTAssertThrowsError(try connection.startUp(until: IODeadline(secondsFromNow: 5))) { error in
            XCTAssertEqual(error as? PostgresError, .connectionClosed(midMessage: true))
        }
        server.finish()
    }

    /// A server that never answers: the query ends at its deadline, and the connection is broken.
    func testTheOperationDeadline() throws {
        let server = FakeServer { server in
            try server.acceptLogin(password: "correct horse")
            try server.readUntilSync()
            _ = server.readUntilClosed()
        }
        let connection = try connectedClient(to: server, operationTimeout: 0.3)
        let started = Date()
        XCTAssertThrowsError(try connection.query("SELECT pg_sleep(60)")) { error in
            XCTAssertEqual(error as? PostgresError, .timeout(operation: "read"))
        }
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertGreaterThanOrEqual(elapsed, 0.25)
        XCTAssertLessThan(elapsed, 3)
        XCTAssertTrue(connection.isBroken)
        server.finish()
    }

    func testTheStartupDeadline() throws {
        let server = FakeServer { server in
            _ = try server.readStartup()
            _ = server.readUntilClosed()
        }
        let connection = PostgresConnection(transport: server.clientTransport(), configuration: fakeConfiguration())
        let started = Date()
        XCTAssertThrowsError(try connection.startUp(until: IODeadline(secondsFromNow: 0.3))) { error in
            XCTAssertEqual(error as? PostgresError, .timeout(operation: "read"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        server.finish()
    }

    /// Cleartext and MD5 requests are refused and the client sends nothing more: no password,
    /// no hash, just the close.
    func testCleartextAndMD5AreRefusedWithoutSendingAnything() throws {
        for request in [BackendBytes.cleartextPassword, BackendBytes.md5Password] {
            let server = FakeServer { server in
                _ = try server.readStartup()
                server.send(request)
                guard server.readUntilClosed() else { throw FakeServer.TimedOut() }
            }
            let connection = PostgresConnection(transport: server.clientTransport(), configuration: fakeConfiguration())
            XCTAssertThrowsError(try connection.startUp(until: IODeadline(secondsFromNow: 5))) { error in
                guard case .authenticationMethodRefused = error as? PostgresError else { return XCTFail("\(error)") }
            }
            XCTAssertTrue(connection.isBroken)
            server.finish()
            XCTAssertTrue(server.messages.isEmpty, "sent \(server.messages.map(\.type))")
        }
    }

    func testAWrongPasswordIsATypedAuthenticationError() throws {
        let server = FakeServer { server in
            _ = try server.readStartup()
            server.send(BackendBytes.sasl(["SCRAM-SHA-256"]))
            var scram = TestSCRAMServer(password: "the real one")
            let initial = try server.readMessage()
            let clientFirst = Array(initial.body[(initial.body.firstIndex(of: 0)! + 5)...])
            server.send(BackendBytes.saslContinue(try scram.serverFirst(for: clientFirst)))
            let final = try server.readMessage()
            guard (try? scram.serverFinal(for: final.body)) == nil else { throw FakeServer.Closed() }   // the proof must not verify
            server.send(BackendBytes.error(sqlState: "28P01", message: "password authentication failed for user \"coffer\"", severity: "FATAL"))
            server.hangUp()
        }
        let connection = PostgresConnection(transport: server.clientTransport(), configuration: fakeConfiguration(password: "a wrong one"))
        XCTAssertThrowsError(try connection.startUp(until: IODeadline(secondsFromNow: 5))) { error in
            guard case .authenticationRejected(let server) = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(server.sqlState, "28P01")
        }
        server.finish()
    }

    /// After a server error and ReadyForQuery, the same connection serves the next query.
    func testTheConnectionStaysUsableAfterAServerError() throws {
        let server = FakeServer { server in
            try server.acceptLogin(password: "correct horse")
            try server.readUntilSync()
            server.send(BackendBytes.parseComplete + BackendBytes.bindComplete + BackendBytes.noData
                + BackendBytes.error([("S", "ERROR"), ("V", "ERROR"), ("C", "23505"), ("M", "duplicate key value violates unique constraint \"t_pkey\""),
                                      ("D", "Key (id)=(42) already exists.")])
                + BackendBytes.readyForQuery())
            let second = try server.readUntilSync()
            // The statement was prepared by the first Parse, so the retry only binds it.
            guard second.map(\.type) == Array("BDES".utf8) else { throw FakeServer.Closed() }
            server.send(BackendBytes.bindComplete + BackendBytes.noData + BackendBytes.commandComplete("INSERT 0 1") + BackendBytes.readyForQuery())
            _ = server.readUntilClosed()
        }
        let connection = try connectedClient(to: server)
        XCTAssertThrowsError(try connection.query("INSERT INTO t VALUES ($1)", [.int8(42)])) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "23505")
            XCTAssertFalse("\(error)".contains("42"), "\(error)")
        }
        XCTAssertFalse(connection.isBroken)
        XCTAssertEqual(try connection.query("INSERT INTO t VALUES ($1)", [.int8(43)]).affectedRows, 1)
        connection.close()
        server.finish()
    }

    /// Several statements go out in one write with one Sync, and their results come back in order.
    func testAPipelineSendsOneSync() throws {
        let server = FakeServer { server in
            try server.acceptLogin(password: "correct horse")
            let messages = try server.readUntilSync()
            guard messages.map(\.type) == Array("PBDEPBDEBDES".utf8) else { throw FakeServer.Closed() }
            server.send(BackendBytes.parseComplete + BackendBytes.bindComplete + BackendBytes.noData + BackendBytes.commandComplete("INSERT 0 1")
                + BackendBytes.parseComplete + BackendBytes.bindComplete + BackendBytes.noData + BackendBytes.commandComplete("UPDATE 2")
                + BackendBytes.bindComplete + BackendBytes.noData + BackendBytes.commandComplete("INSERT 0 1")
                + BackendBytes.readyForQuery())
            _ = server.readUntilClosed()
        }
        let connection = try connectedClient(to: server)
        let results = try connection.pipeline([
            PostgresStatement("INSERT INTO t VALUES ($1)", [.int8(1)]),
            PostgresStatement("UPDATE t SET n = n + 1"),
            PostgresStatement("INSERT INTO t VALUES ($1)", [.int8(2)]),
        ])
        XCTAssertEqual(results.map(\.commandTag), ["INSERT 0 1", "UPDATE 2", "INSERT 0 1"])
        connection.close()
        server.finish()
    }

    /// `transaction` rolls back when its body throws, and the error comes through.
    func testATransactionRollsBackWhenTheBodyThrows() throws {
        let server = FakeServer { server in
            try server.acceptLogin(password: "correct horse")
            try server.readUntilSync()
            server.send(BackendBytes.parseComplete + BackendBytes.bindComplete + BackendBytes.noData + BackendBytes.commandComplete("BEGIN") + BackendBytes.readyForQuery("T"))
            let rollback = try server.readUntilSync()
            guard String(decoding: rollback[0].body, as: UTF8.self).contains("ROLLBACK") else { throw FakeServer.Closed() }
            server.send(BackendBytes.parseComplete + BackendBytes.bindComplete + BackendBytes.noData + BackendBytes.commandComplete("ROLLBACK") + BackendBytes.readyForQuery("I"))
            _ = server.readUntilClosed()
        }
        let connection = try connectedClient(to: server)
        struct BodyFailure: PostgresErrorWrapping, Equatable {
            var postgres: PostgresError?
            init(postgres: PostgresError) { self.postgres = postgres }
            init() { postgres = nil }
        }
        XCTAssertThrowsError(try connection.transaction { (_) throws(BodyFailure) -> Void in throw BodyFailure() }) { error in
            XCTAssertEqual(error as? BodyFailure, BodyFailure())
        }
        XCTAssertEqual(connection.transactionStatus, .idle)
        XCTAssertFalse(connection.isBroken)
        connection.close()
        server.finish()
    }

    func testAnOversizedMessageBreaksTheConnection() throws {
        let server = FakeServer { server in
            try server.acceptLogin(password: "correct horse")
            try server.readUntilSync()
            server.send([UInt8(ascii: "D")] + be32(Int32.max))
            _ = server.readUntilClosed()
        }
        let connection = try connectedClient(to: server)
        XCTAssertThrowsError(try connection.query("SELECT 1")) { error in
            guard case .messageTooLarge = error as? PostgresError else { return XCTFail("\(error)") }
        }
        XCTAssertTrue(connection.isBroken)
        server.finish()
    }

    /// `SSLRequest` answered `N`: refused, never a plaintext session.
    func testAServerThatAnswersNToSSLRequestIsRefused() throws {
        let server = FakeServer { server in
            let startup = try server.readStartup()
            guard startup.code == 80_877_103 else { throw FakeServer.Closed() }
            server.send([UInt8(ascii: "N")])
            guard server.readUntilClosed() else { throw FakeServer.TimedOut() }
        }
        XCTAssertThrowsError(try PostgresConnector.requestTLS(on: server.clientSocket, host: "db.example", port: 5432,
                                                              until: IODeadline(secondsFromNow: 5))) { error in
            XCTAssertEqual(error as? PostgresError, .tlsNotOffered(host: "db.example", port: 5432))
        }
        NetworkPosix.closeDescriptor(server.clientSocket)   // what PostgresConnector.open does on a refusal
        server.finish()
        XCTAssertTrue(server.messages.isEmpty, "nothing is sent after N")
    }

    /// `S` followed at once by bytes sent in clear (a man in the middle injecting a reply):
    /// exactly one byte is read as the answer, and TLS refuses to start over the rest
    /// (CVE-2021-23222).
    func testBytesInjectedAfterTheSAnswerAreRefused() throws {
        let certificates = try TestCertificates.shared()
        let server = FakeServer { server in
            _ = try server.readStartup()
            server.send([UInt8(ascii: "S")] + BackendBytes.readyForQuery())
            guard server.readUntilClosed() else { throw FakeServer.TimedOut() }
        }
        _ = fcntl(server.clientSocket, F_SETFL, fcntl(server.clientSocket, F_GETFL) | O_NONBLOCK)
        let deadline = IODeadline(secondsFromNow: 5)
        XCTAssertNoThrow(try PostgresConnector.requestTLS(on: server.clientSocket, host: "localhost", port: 5432, until: deadline))
        usleep(50_000)   // let the injected bytes arrive
        XCTAssertThrowsError(try PostgresTLSTransport(startingTLSOn: server.clientSocket, serverName: "localhost",
                                                      caFile: certificates.caFile, until: deadline)) { error in
            guard case .tlsHandshake(let reason) = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("before the TLS handshake"), reason)
        }
        NetworkPosix.closeDescriptor(server.clientSocket)
        server.finish()
    }

    func testAnErrorAnswerToSSLRequestIsRefused() throws {
        let server = FakeServer { server in
            _ = try server.readStartup()
            server.send(BackendBytes.error(sqlState: "08P01", message: "unsupported frontend protocol", severity: "FATAL"))
            _ = server.readUntilClosed()
        }
        XCTAssertThrowsError(try PostgresConnector.requestTLS(on: server.clientSocket, host: "db", port: 5432,
                                                              until: IODeadline(secondsFromNow: 5))) { error in
            guard case .protocolViolation = error as? PostgresError else { return XCTFail("\(error)") }
        }
        NetworkPosix.closeDescriptor(server.clientSocket)
        server.finish()
    }
}
