import Foundation
import XCTest

/// CONTRACT.md §6 `FIND <field> <value> [<cursor>]`: a tenant's exact-match search, own tenant
/// only (paging: `ListingE2ETests`).
final class FindE2ETests: E2ETestCase {
    func testFindAnswersTheSubjectsWithThatExactValue() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "zoe@example.com", "phone", "+1 555 0100"])
        try admin.request(words: ["SET", "Alice", "phone", "+1 555 0100", "email", "alice@example.com"])
        try admin.request(words: ["SET", "bob", "phone", "+1 555 0199", "fax", "+1 555 0100"])

        assertLastPage(try admin.request(words: ["FIND", "phone", "+1 555 0100"]), ["Alice", "zoe@example.com"])
        assertLastPage(try admin.request(words: ["FIND", "fax", "+1 555 0100"]), ["bob"])
        assertLastPage(try admin.request(words: ["FIND", "phone", "+1 555 010"]), [])
        assertLastPage(try admin.request(words: ["FIND", "email", "ALICE@example.com"]), [], "case matters")
    }

    func testFindStopsFindingAfterEditDeleteAndShred() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        for subject in ["a", "b", "c", "d"] { try admin.request(words: ["SET", subject, "phone", "42"]) }
        try admin.request(words: ["SET", "a", "phone", "43"])
        try admin.request("DEL b phone")
        try admin.request("SUBJECT SHRED c")
        assertLastPage(try admin.request("FIND phone 42"), ["d"])
        assertLastPage(try admin.request("FIND phone 43"), ["a"])
    }

    func testFindNeverCrossesTenants() throws {
        let server = try startServer()
        let (_, acme) = try makeTenant("acme", on: server)
        let (_, globex) = try makeTenant("globex", on: server)
        try acme.request("SET alice phone 42")
        try globex.request("SET bob phone 42")
        assertLastPage(try acme.request("FIND phone 42"), ["alice"])
        assertLastPage(try globex.request("FIND phone 42"), ["bob"])
    }

    func testOnlyATenantAdministratorMayFind() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        try admin.request("SET alice phone 42")
        let alice = try server.connect(token: try issueToken("alice", by: admin))
        let op = try server.connectAsOperator()
        for client in [alice, op] {
            assertError(try client.request("FIND phone 42"), "FORBIDDEN")
            assertError(try client.request("FIND Bad-Field 42"), "FORBIDDEN", "FORBIDDEN ranks before INVALID")
        }
        assertError(try server.connect().request("FIND phone 42"), "AUTH_REQUIRED")
        assertError(try admin.request("FIND Phone 42"), "INVALID")
        assertError(try admin.request("FIND phone"), "SYNTAX")
        assertError(try admin.request(words: ["FIND", "phone", String(repeating: "9", count: 16385)]), "INVALID")
    }
}
