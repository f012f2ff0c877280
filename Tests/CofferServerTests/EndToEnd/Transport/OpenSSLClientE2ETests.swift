import Foundation
import XCTest

/// The contract's promise that a person can type the protocol into `openssl s_client -quiet`,
/// and its TLS rules checked with a client that is not ours.
final class OpenSSLClientE2ETests: E2ETestCase {
    private let openssl = "/usr/bin/openssl"

    private func requireOpenSSL() throws {
        guard FileManager.default.isExecutableFile(atPath: openssl) else { throw XCTSkip("\(openssl) is not installed") }
    }

    /// Runs `openssl s_client` against `server` with `extra` options, feeding `input` on stdin.
    private func sClient(_ server: E2EServer, _ extra: [String], input: String) throws -> (status: Int32?, stdout: String) {
        let arguments = ["s_client", "-quiet", "-connect", "127.0.0.1:\(server.port)", "-CAfile", server.certificatePath,
                         "-verify_return_error"] + extra
        let result = try E2EProcess.run(openssl, arguments, input: input, timeout: 15)
        return (result.status, result.stdout)
    }

    func testOpenSSLClientCompletesASessionWithTheOperatorToken() throws {
        try requireOpenSSL()
        let server = try startServer()
        _ = try createTenant("acme", on: server)
        let input = "PING\nAUTH \(server.operatorToken)\nTENANT LIST\nWHOAMI\nQUIT\n"
        let (status, output) = try sClient(server, [], input: input)
        XCTAssertEqual(status, 0, "s_client ends cleanly after QUIT")
        XCTAssertEqual(E2EClient.redacted(output), """
            OK "PONG"
            OK {"role":"operator"}
            OK [{"tenant":"acme","subjects":0}]
            OK {"role":"operator"}
            OK

            """)
    }

    func testOpenSSLClientLimitedToTLS12IsRefusedByDefault() throws {
        try requireOpenSSL()
        let server = try startServer()
        let (status, output) = try sClient(server, ["-tls1_2"], input: "PING\nQUIT\n")
        XCTAssertNotEqual(status, 0)
        XCTAssertFalse(output.contains("PONG"))
    }

    func testOpenSSLClientLimitedToTLS12IsAcceptedWhenConfiguredWithAnECDHEAEADCipher() throws {
        try requireOpenSSL()
        let server = try startServer { $0.minimumTLSVersion = .v1_2 }
        let (status, output) = try sClient(server, ["-tls1_2"], input: "PING\nQUIT\n")
        XCTAssertEqual(status, 0)
        XCTAssertEqual(output, "OK \"PONG\"\nOK\n")
        let (gcmStatus, gcmOutput) = try sClient(server, ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"],
                                                 input: "PING\nQUIT\n")
        XCTAssertEqual(gcmStatus, 0)
        XCTAssertEqual(gcmOutput, "OK \"PONG\"\nOK\n")
    }

    func testTLS12CiphersWithoutECDHEOrWithoutAEADAreRefused() throws {
        try requireOpenSSL()
        let server = try startServer { $0.minimumTLSVersion = .v1_2 }
        for cipher in ["ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "AES128-GCM-SHA256", "AES128-SHA"] {
            let (status, output) = try sClient(server, ["-tls1_2", "-cipher", cipher], input: "PING\nQUIT\n")
            XCTAssertNotEqual(status, 0, cipher)
            XCTAssertFalse(output.contains("PONG"), cipher)
        }
    }

    func testVersionsBeforeTLS12AreNeverAccepted() throws {
        try requireOpenSSL()
        let server = try startServer { $0.minimumTLSVersion = .v1_2 }
        for version in ["-tls1_1", "-tls1"] {
            // Security level 0 lets this client offer the old version; the server must still refuse.
            let (status, output) = try sClient(server, [version, "-cipher", "DEFAULT:@SECLEVEL=0"], input: "PING\nQUIT\n")
            XCTAssertNotEqual(status, 0, version)
            XCTAssertFalse(output.contains("PONG"), version)
        }
    }

    /// Not a contract rule but the server's stated TLS policy (TLSServerContext: "no session
    /// tickets are issued", "nothing to resume, nothing to keep"): a resumed session would skip
    /// the fresh ECDHE exchange that gives each connection forward secrecy.
    func testSessionsAreNeverResumed() throws {
        try requireOpenSSL()
        let server = try startServer { $0.minimumTLSVersion = .v1_2 }
        let sessionFile = server.directory + "/client-session.pem"
        for version in ["-tls1_2", "-tls1_3"] {
            try? FileManager.default.removeItem(atPath: sessionFile)
            let first = try E2EProcess.run(openssl, ["s_client", "-connect", "127.0.0.1:\(server.port)", "-CAfile", server.certificatePath,
                                                     "-verify_return_error", "-ign_eof", "-nocommands", version, "-sess_out", sessionFile],
                                           input: "PING\nQUIT\n", timeout: 15)
            XCTAssertTrue(first.stdout.contains("OK \"PONG\""), "\(version): the first session works")
            guard FileManager.default.fileExists(atPath: sessionFile) else { continue }  // nothing to resume with
            let second = try E2EProcess.run(openssl, ["s_client", "-connect", "127.0.0.1:\(server.port)", "-CAfile", server.certificatePath,
                                                      "-verify_return_error", "-ign_eof", "-nocommands", version, "-sess_in", sessionFile],
                                            input: "PING\nQUIT\n", timeout: 15)
            XCTAssertTrue(second.stdout.contains("OK \"PONG\""), "\(version): the second session works")
            XCTAssertFalse(second.stdout.contains("Reused,"), "\(version): the server resumed a session from a ticket")
        }
    }
}
