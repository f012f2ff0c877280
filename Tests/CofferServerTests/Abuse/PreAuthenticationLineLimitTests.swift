import Foundation
import XCTest
import CofferServer

/// Hardening (docs/PROTOCOL.md, "Hardening"): with `limits.maxLineBytesBeforeAuth` set, a line
/// before `AUTH` succeeds may have at most that many bytes, counting CR and LF; longer gets
/// `ERR TOO_LONG` and a close, like the normal limit. Without it, the contract's limit applies.
final class PreAuthenticationLineLimitTests: E2ETestCase {
    private let preAuthLimit = 4096

    private func startHardenedServer(_ configure: @escaping (inout ServerConfiguration) -> Void = { _ in }) throws -> E2EServer {
        try startServer { configuration in
            configuration.maxLineBytesBeforeAuth = 4096
            configure(&configuration)
        }
    }

    func testByDefaultAnAnonymousSessionHasTheContractsLimit() throws {
        let server = try startServer()
        let client = try server.connect()
        try client.send(raw: paddedPing(totalBytes: 65536))
        assertReply(try XCTUnwrap(client.readReply()), #"OK "PONG""#)
        try client.send(raw: paddedPing(totalBytes: 65537))
        assertError(try XCTUnwrap(client.readReply()), "TOO_LONG")
    }

    /// `PING` padded with spaces to exactly `total` bytes including the LF.
    private func paddedPing(totalBytes total: Int) -> String {
        "PING" + String(repeating: " ", count: total - 5) + "\n"
    }

    func testAnAnonymousLineOfExactly4096BytesIsAnswered() throws {
        let server = try startHardenedServer()
        let client = try server.connect()
        try client.send(raw: paddedPing(totalBytes: preAuthLimit))
        assertReply(try XCTUnwrap(client.readReply()), #"OK "PONG""#)
    }

    func testAnAnonymousLineOneByteOverIsTooLongAndCloses() throws {
        let server = try startHardenedServer()
        let client = try server.connect()
        try client.send(raw: paddedPing(totalBytes: preAuthLimit + 1))
        assertError(try XCTUnwrap(client.readReply()), "TOO_LONG")
        assertClosed(client, "after TOO_LONG before AUTH")
        assertReply(try server.connect().request("PING"), #"OK "PONG""#, "others are still served")
    }

    func testAnAuthenticatedSessionKeepsTheConfiguredLimit() throws {
        let server = try startHardenedServer()
        let (_, admin) = try makeTenant("acme", on: server)
        let value = String(repeating: "v", count: 3 * preAuthLimit)
        assertReply(try admin.request(words: ["SET", "alice", "bio", value]), "OK")
        try admin.send(raw: paddedPing(totalBytes: 2 * preAuthLimit))
        assertReply(try XCTUnwrap(admin.readReply()), #"OK "PONG""#)
    }

    func testASmallerConfiguredLimitStillAppliesBeforeAuth() throws {
        let server = try startHardenedServer { $0.maxLineBytes = 256 }
        let client = try server.connect()
        try client.send(raw: paddedPing(totalBytes: 257))
        assertError(try XCTUnwrap(client.readReply()), "TOO_LONG")
    }

    func testASessionWhoseAuthFailedIsBackUnderTheTighterLimit() throws {
        let server = try startHardenedServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertError(try admin.auth("cft_not-a-token"), "AUTH_FAILED")
        try admin.send(raw: paddedPing(totalBytes: preAuthLimit + 1))
        assertError(try XCTUnwrap(admin.readReply()), "TOO_LONG")
        assertClosed(admin)
    }
}
