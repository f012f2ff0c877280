import Foundation
import XCTest

/// CONTRACT.md §5: a tenant sees nothing of other tenants, and can change nothing of theirs.
final class CrossTenantIsolationE2ETests: E2ETestCase {
    /// Tenants `alpha` (subject ann) and `beta` (subjects bob, carol); beta's state is checked
    /// with beta's own token after alpha's attempts.
    private func twoTenants() throws -> (server: E2EServer, alpha: E2EClient, beta: E2EClient, bobToken: String) {
        let server = try startServer()
        let (_, alpha) = try makeTenant("alpha", on: server)
        let (_, beta) = try makeTenant("beta", on: server)
        try alpha.request(words: ["SET", "ann", "phone", "alpha-ann"])
        try beta.request(words: ["SET", "bob", "phone", "beta-bob", "email", "bob@beta.example"])
        try beta.request("SUBJECT ADD carol")
        let bobToken = try issueToken("bob", by: beta)
        return (server, alpha, beta, bobToken)
    }

    private func assertBetaUnchanged(_ beta: E2EClient, server: E2EServer, bobToken: String,
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        assertLastPage(try beta.request("SUBJECT LIST"), ["bob", "carol"], "beta's subjects", file: file, line: line)
        assertValue(try beta.request("EXPORT bob"),
                    ["tenant": "beta", "subject": "bob", "fields": ["phone": "beta-bob", "email": "bob@beta.example"]],
                    "beta's data", file: file, line: line)
        assertValue(try beta.request("EXPORT carol"), ["tenant": "beta", "subject": "carol", "fields": [:]], file: file, line: line)
        assertValue(try beta.request("POLICY GET"), ["subject_self_edit": false], file: file, line: line)
        let bob = try server.connect()
        assertValue(try bob.auth(bobToken), ["role": "subject", "tenant": "beta", "subject": "bob"],
                    "bob's token still works", file: file, line: line)
    }

    func testTenantCannotReadListShredOrIssueTokensForAnotherTenantsSubjects() throws {
        let (server, alpha, beta, bobToken) = try twoTenants()
        assertLastPage(try alpha.request("SUBJECT LIST"), ["ann"], "alpha lists only its own subjects")
        assertError(try alpha.request("SUBJECT LIST a"), "INVALID", "not a cursor")
        for line in ["GET bob phone", "EXPORT bob", "DEL bob phone", "SUBJECT SHRED bob", "SUBJECT SHRED carol",
                     "TOKEN ISSUE bob", "TOKEN REVOKE bob", "EXPORT carol"] {
            assertError(try alpha.request(line), "NOT_FOUND", line)
        }
        try assertBetaUnchanged(beta, server: server, bobToken: bobToken)
    }

    func testTenantWritingASubjectOfTheSameNameWritesItsOwnSubject() throws {
        let (server, alpha, beta, bobToken) = try twoTenants()
        assertReply(try alpha.request(words: ["SET", "bob", "phone", "alpha-bob"]), "OK")
        assertReply(try alpha.request("SUBJECT ADD carol"), "OK", "carol of beta does not exist for alpha")
        assertValue(try alpha.request("EXPORT bob"), ["tenant": "alpha", "subject": "bob", "fields": ["phone": "alpha-bob"]])
        assertValue(try alpha.request("SUBJECT SHRED bob"), ["subject": "bob", "shredded": true])
        assertReply(try alpha.request("POLICY SET subject_self_edit on"), "OK")
        try assertBetaUnchanged(beta, server: server, bobToken: bobToken)
    }

    func testTenantCannotShredAnotherTenant() throws {
        let (server, alpha, beta, bobToken) = try twoTenants()
        assertError(try alpha.request("TENANT SHRED beta"), "FORBIDDEN")
        assertError(try alpha.request("TENANT SHRED nosuch"), "FORBIDDEN", "whether or not the tenant exists")
        assertError(try alpha.request("TENANT SHRED Not_Valid"), "FORBIDDEN", "FORBIDDEN before INVALID")
        try assertBetaUnchanged(beta, server: server, bobToken: bobToken)
        let op = try server.connectAsOperator()
        assertValue(try op.request("TENANT LIST"), [["tenant": "alpha", "subjects": 1], ["tenant": "beta", "subjects": 2]])
    }

    func testSubjectOfOneTenantCannotReachTheSameNameInAnother() throws {
        let (server, alpha, beta, bobToken) = try twoTenants()
        try alpha.request(words: ["SET", "bob", "phone", "alpha-bob"])
        let alphaBobToken = try issueToken("bob", by: alpha)
        let alphaBob = try server.connect(token: alphaBobToken)
        assertValue(try alphaBob.request("GET bob phone"), "alpha-bob", "alpha's bob reads alpha's bob")
        assertValue(try alphaBob.request("EXPORT bob"), ["tenant": "alpha", "subject": "bob", "fields": ["phone": "alpha-bob"]])
        try assertBetaUnchanged(beta, server: server, bobToken: bobToken)
    }
}
