import XCTest
@testable import CofferStore

/// `maxFieldsPerSubject` (CONTRACT.md §8): a SET that would give a subject more fields is
/// `INVALID` and changes nothing; the writer counts, so writes queued together cannot overshoot.
final class VaultFieldLimitTests: VaultTestCase {
    private func fields(_ names: [String], value: String = "v") -> [FieldValue] {
        names.map { FieldValue(field: $0, value: value) }
    }

    func testASetOverTheLimitIsInvalidAndChangesNothing() throws {
        configuration.maxFieldsPerSubject = 3
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try vault.set(subject: "alice", pairs: fields(["a", "b"]), tenant: "acme", createSubject: true)
        assertVaultError(try vault.set(subject: "alice", pairs: fields(["a", "c", "d"], value: "new"), tenant: "acme", createSubject: false)) {
            $0.isInvalid
        }
        XCTAssertEqual(try vault.export(subject: "alice", tenant: "acme"), fields(["a", "b"]))
        assertVaultError(try vault.set(subject: "bob", pairs: fields(["a", "b", "c", "d"]), tenant: "acme", createSubject: true)) { $0.isInvalid }
        XCTAssertEqual(try vault.listSubjects(tenant: "acme").subjects, ["alice"], "the refused SET created no subject")

        try vault.set(subject: "alice", pairs: fields(["a", "b", "c"], value: "w"), tenant: "acme", createSubject: false)
        try vault.set(subject: "alice", pairs: fields(["c", "b", "a"], value: "x"), tenant: "acme", createSubject: false)
        XCTAssertEqual(try vault.export(subject: "alice", tenant: "acme"), fields(["a", "b", "c"], value: "x"))
    }

    func testWritesQueuedTogetherNeverOvershootTheLimit() throws {
        configuration.maxFieldsPerSubject = 5
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try vault.set(subject: "alice", pairs: fields(["a"]), tenant: "acme", createSubject: true)
        let pending = (0..<10).map { vault.startSet(subject: "alice", pairs: fields(["f\($0)"]), tenant: "acme", createSubject: false) }
        let accepted = pending.filter { (try? $0.wait()) != nil }.count
        XCTAssertEqual(accepted, 4)
        XCTAssertEqual(try vault.export(subject: "alice", tenant: "acme").count, 5)
    }
}
