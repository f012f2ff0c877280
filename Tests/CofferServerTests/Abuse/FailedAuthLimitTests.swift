import Foundation
import XCTest

/// Issue 12: `limits.maxFailedAuthPerAddressPerMinute`. An address with that many failed `AUTH`s
/// in the last minute gets `AUTH_FAILED` for every `AUTH`, a valid token included, until the
/// failures are a minute old; other addresses authenticate meanwhile.
final class FailedAuthLimitTests: E2ETestCase {
    func testAnAddressOverTheLimitFailsEvenWithAValidTokenWhileAnotherAuthenticates() throws {
        let clock = TestClock(start: 1_899_999_990)   // 30 s before a minute boundary
        let server = try startServer(clock: clock.serviceClock) { $0.maxFailedAuthPerAddressPerMinute = 4 }
        let token = try createTenant("acme", on: server)
        try failAuth(times: 4, from: "127.0.0.2", on: server)

        let refused = try server.connect(from: "127.0.0.2")
        assertError(try refused.auth(token), "AUTH_FAILED", "over the limit the token is not even looked up")
        assertValue(try refused.request("WHOAMI"), ["role": "anonymous"])
        let other = try server.connect(from: "127.0.0.3")
        assertObject(try other.auth(token), ["role": "tenant", "tenant": "acme"], "another address is not limited")

        clock.advance(by: 40)
        assertError(try refused.auth(token), "AUTH_FAILED", "a new calendar minute does not reset the last 60 seconds")
        clock.advance(by: 61)
        let later = try server.connect(from: "127.0.0.2")
        assertObject(try later.auth(token), ["role": "tenant", "tenant": "acme"], "a minute after its last failure the address may authenticate")
    }

    func testZeroTurnsTheLimitOff() throws {
        let server = try startServer { $0.maxFailedAuthPerAddressPerMinute = 0 }
        let token = try createTenant("acme", on: server)
        try failAuth(times: 5, from: "127.0.0.2", on: server)
        let client = try server.connect(from: "127.0.0.2")
        assertObject(try client.auth(token), ["role": "tenant"], "no limit: 0 does not mean that every AUTH fails")
    }
}
