import Foundation
import XCTest
import CofferStore

/// A session is bound to the rows it authenticated as (ids, never reused), not to names: even
/// if the auth epoch missed a change, it never reaches a later subject or tenant of the same name.
final class SessionIdentityE2ETests: E2ETestCase {
    func testASubjectSessionNeverReachesALaterSubjectOfTheSameName() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertReply(try admin.request("SET alice phone first"), "OK")
        let alice = try server.connect(token: try issueToken("alice", by: admin))
        assertValue(try alice.request("GET alice phone"), "first", "control")

        // Behind the engine's back (no auth epoch change): alice's rows go, a new alice comes.
        let raw = try Database(path: server.configuration.dataDirectory + "/vault.db")
        try raw.transaction {
            for table in ["fields", "data_keys", "erasure_requests"] {
                try raw.run("DELETE FROM \(table) WHERE subject_id IN (SELECT id FROM subjects)")
            }
            try raw.run("DELETE FROM subjects")
        }
        try server.service.vault.set(subject: "alice", pairs: [FieldValue(field: "phone", value: "second")],
                                     tenant: "acme", createSubject: true)

        assertError(try alice.request("GET alice phone"), "AUTH_REQUIRED", "the old session must not read the new alice")
        assertValue(try alice.request("WHOAMI"), ["role": "anonymous"])
        assertValue(try admin.request("GET alice phone"), "second")
    }
}
