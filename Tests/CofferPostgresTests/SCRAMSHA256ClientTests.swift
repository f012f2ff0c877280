import XCTest
import CofferCrypto
@testable import CofferPostgres

final class SCRAMSHA256ClientTests: XCTestCase {
    private let rfcServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"

    private func rfcClient() throws -> SCRAMSHA256Client {
        try SCRAMSHA256Client(user: "user", password: secure("pencil"), clientNonce: "rOprNGfwEbeRWgbNEkqO")
    }

    /// RFC 7677 section 3: the whole example exchange, byte for byte.
    func testRFC7677ExampleExchange() throws {
        var client = try rfcClient()
        XCTAssertEqual(String(decoding: try client.clientFirstMessage(), as: UTF8.self), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        let final = try client.clientFinalMessage(serverFirst: Array(rfcServerFirst.utf8))
        XCTAssertEqual(String(decoding: final, as: UTF8.self),
                       "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        XCTAssertFalse(client.isVerified)
        try client.verifyServerFinal(Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8))
        XCTAssertTrue(client.isVerified)
    }

    /// A server that does not know the password cannot produce the signature.
    func testAWrongServerSignatureIsRefused() throws {
        var client = try rfcClient()
        _ = try client.clientFirstMessage()
        _ = try client.clientFinalMessage(serverFirst: Array(rfcServerFirst.utf8))
        XCTAssertThrowsError(try client.verifyServerFinal(Array("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8))) { error in
            guard case .authenticationFailed(let why) = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertTrue(why.contains("signature"), why)
        }
        XCTAssertFalse(client.isVerified)
    }

    func testAServerErrorInTheFinalMessageIsRefused() throws {
        var client = try rfcClient()
        _ = try client.clientFirstMessage()
        _ = try client.clientFinalMessage(serverFirst: Array(rfcServerFirst.utf8))
        XCTAssertThrowsError(try client.verifyServerFinal(Array("e=invalid-proof".utf8)))
        XCTAssertFalse(client.isVerified)
    }

    func testServerFirstMessagesThatMustBeRefused() throws {
        let refused = [
            "r=someoneElsesNonce123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",           // does not extend our nonce
            "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",           // adds nothing
            "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095",        // too few iterations
            "r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=2000000000",  // too many
            "r=rOprNGfwEbeRWgbNEkqOxyz,s=!!notbase64!!,i=4096",
            "r=rOprNGfwEbeRWgbNEkqOxyz,s=,i=4096",
            "r=rOprNGfwEbeRWgbNEkqOxyz,i=4096,s=W22ZaJ0SNY7soEsUEjb6gQ==",        // wrong order
            "m=mandatory-extension,r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "garbage",
            "",
        ]
        for serverFirst in refused {
            var client = try rfcClient()
            _ = try client.clientFirstMessage()
            XCTAssertThrowsError(try client.clientFinalMessage(serverFirst: Array(serverFirst.utf8)), serverFirst) { error in
                guard case .authenticationFailed = error as? PostgresError else { return XCTFail("\(serverFirst): \(error)") }
            }
        }
    }

    func testStepsOutOfOrderAreRefused() throws {
        var client = try rfcClient()
        XCTAssertThrowsError(try client.clientFinalMessage(serverFirst: Array(rfcServerFirst.utf8)))
        XCTAssertThrowsError(try client.verifyServerFinal(Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8)))
        _ = try client.clientFirstMessage()
        XCTAssertThrowsError(try client.clientFirstMessage())
    }

    /// Without a test nonce, every exchange draws a fresh one (24 base64 characters of 18 random bytes).
    func testTheNonceIsRandom() throws {
        var first = try SCRAMSHA256Client(user: "", password: secure("pencil"))
        var second = try SCRAMSHA256Client(user: "", password: secure("pencil"))
        let a = String(decoding: try first.clientFirstMessage(), as: UTF8.self)
        let b = String(decoding: try second.clientFirstMessage(), as: UTF8.self)
        XCTAssertTrue(a.hasPrefix("n,,n=,r="), a)
        XCTAssertEqual(a.count, "n,,n=,r=".count + 24)
        XCTAssertNotEqual(a, b)
    }

    func testUserNamesAreEscaped() throws {
        var client = try SCRAMSHA256Client(user: "a=b,c", password: secure("pencil"), clientNonce: "abc")
        XCTAssertEqual(String(decoding: try client.clientFirstMessage(), as: UTF8.self), "n,,n=a=3Db=2Cc,r=abc")
    }

    /// The documented SASLprep limit: ASCII passes unchanged (control characters included, as
    /// PostgreSQL then uses the raw bytes), non-ASCII and empty passwords are refused.
    func testPasswordPreparation() throws {
        XCTAssertEqual(try SCRAMPassword.prepare(secure("pencil \t~")).withUnsafeBytes { Array($0) }, Array("pencil \t~".utf8))
        for refused in ["", "pässword", "pass\u{00A0}word"] {
            XCTAssertThrowsError(try SCRAMPassword.prepare(secure(refused))) { error in
                guard case .unsupportedPassword = error as? PostgresError else { return XCTFail("\(error)") }
            }
        }
    }

    /// The client agrees with an independent server implementation for another password and salt.
    func testAgreesWithTheTestServer() throws {
        var server = TestSCRAMServer(password: "correct horse", salt: [9, 8, 7, 6, 5], iterations: 4096)
        var client = try SCRAMSHA256Client(user: "", password: secure("correct horse"))
        let first = try server.serverFirst(for: try client.clientFirstMessage())
        let final = try server.serverFinal(for: try client.clientFinalMessage(serverFirst: Array(first.utf8)))
        try client.verifyServerFinal(Array(final.utf8))
        XCTAssertTrue(client.isVerified)

        var wrong = try SCRAMSHA256Client(user: "", password: secure("battery staple"))
        let again = try server.serverFirst(for: try wrong.clientFirstMessage())
        XCTAssertThrowsError(try server.serverFinal(for: try wrong.clientFinalMessage(serverFirst: Array(again.utf8))))
    }
}
