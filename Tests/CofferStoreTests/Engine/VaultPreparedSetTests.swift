import XCTest
@testable import CofferStore

/// A SET's values are sealed before it reaches the writer (`PreparedSet`); the writer uses them
/// only while they still apply, and seals again when the subject, its data key or its tenant
/// changed in between.
final class VaultPreparedSetTests: VaultTestCase {
    private let pairs = [FieldValue(field: "phone", value: "+1 555 0100"), FieldValue(field: "email", value: "a@example.org")]

    private func prepare(_ vault: Vault, subject: String = "alice") throws -> PreparedSet {
        let prepared = try vault.read { try $0.prepareSet(subject: subject, pairs: self.pairs, tenant: "acme") }
        return try XCTUnwrap(prepared)
    }

    /// A vault with tenant acme and subject alice, and a SET of `pairs` for her prepared.
    private func vaultWithAlicePrepared() throws -> (Vault, PreparedSet) {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try vault.addSubject("alice", tenant: "acme")
        return (vault, try prepare(vault))
    }

    private func setPrepared(_ vault: Vault, _ prepared: PreparedSet, subject: String = "alice") throws {
        let pairs = self.pairs
        try vault.write(groupable: true) { try $0.set(subject: subject, pairs: pairs, tenant: "acme", createSubject: false, prepared: prepared) }
    }

    private func storedValues(subject id: Int64) throws -> [[UInt8]] {
        try rawDatabase("vault.db").rows("SELECT value FROM fields WHERE subject_id = ? ORDER BY name DESC", id).compactMap { $0.blob(0) }
    }

    private func assertReadable(_ vault: Vault, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try vault.export(subject: "alice", tenant: "acme"), pairs.sorted { $0.field < $1.field }, file: file, line: line)
        XCTAssertEqual(try vault.find(field: "phone", value: "+1 555 0100", tenant: "acme").subjects, ["alice"], file: file, line: line)
    }

    func testAPreparedSetIsStoredAsSealed() throws {
        let (vault, prepared) = try vaultWithAlicePrepared()
        try setPrepared(vault, prepared)
        XCTAssertEqual(try storedValues(subject: prepared.subjectRow.id), prepared.sealedValues, "the writer did not seal again")
        try assertReadable(vault)
    }

    func testAPreparedSetOfAnotherSubjectIsNotUsed() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try vault.addSubject("alice", tenant: "acme")
        try vault.addSubject("bob", tenant: "acme")
        let preparedForAlice = try prepare(vault)
        try setPrepared(vault, preparedForAlice, subject: "bob")
        XCTAssertEqual(try vault.export(subject: "alice", tenant: "acme"), [], "alice is untouched")
        XCTAssertEqual(try vault.export(subject: "bob", tenant: "acme"), pairs.sorted { $0.field < $1.field })
    }

    func testAPreparedSetIsNotUsedForACanonicallyEquivalentButDifferentValue() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try vault.addSubject("alice", tenant: "acme")
        let composed = [FieldValue(field: "city", value: "K\u{00F6}ln")]
        let decomposed = [FieldValue(field: "city", value: "Ko\u{0308}ln")]
        XCTAssertEqual(composed, decomposed, "Swift's == calls them equal")
        let prepared = try XCTUnwrap(try vault.read { try $0.prepareSet(subject: "alice", pairs: composed, tenant: "acme") })
        try vault.write(groupable: true) { try $0.set(subject: "alice", pairs: decomposed, tenant: "acme", createSubject: false, prepared: prepared) }
        let stored = try XCTUnwrap(try vault.get(subject: "alice", field: "city", tenant: "acme"))
        XCTAssertEqual(Array(stored.utf8), Array("Ko\u{0308}ln".utf8), "the bytes written, not the prepared ones")
        XCTAssertEqual(try vault.find(field: "city", value: "Ko\u{0308}ln", tenant: "acme").subjects, ["alice"])
        XCTAssertEqual(try vault.find(field: "city", value: "K\u{00F6}ln", tenant: "acme").subjects, [])
    }

    func testNothingIsPreparedForASubjectThatDoesNotExistYet() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        XCTAssertNil(try vault.read { try $0.prepareSet(subject: "nobody", pairs: self.pairs, tenant: "acme") })
        XCTAssertThrowsError(try vault.read { try $0.prepareSet(subject: "nobody", pairs: [], tenant: "acme") }, "checked like a SET")
    }

    func testASubjectRekeyedInBetweenIsSealedAgainUnderItsNewKey() throws {
        let (vault, prepared) = try vaultWithAlicePrepared()
        try vault.write { core in
            let tenant = try core.tenant("acme").keys
            try core.writeTransaction { try core.rekeySubject(prepared.subjectRow, of: tenant) }
        }
        try setPrepared(vault, prepared)
        let stored = try storedValues(subject: prepared.subjectRow.id)
        XCTAssertEqual(stored.count, 2)
        XCTAssertTrue(zip(stored, prepared.sealedValues).allSatisfy { $0 != $1 }, "sealed again")
        try assertReadable(vault)
    }

    func testASubjectShreddedAndAddedAgainInBetweenGetsTheValuesUnderItsNewId() throws {
        let (vault, prepared) = try vaultWithAlicePrepared()
        try vault.shredSubject("alice", tenant: "acme")
        try vault.addSubject("alice", tenant: "acme")
        try setPrepared(vault, prepared)
        XCTAssertEqual(try storedValues(subject: prepared.subjectRow.id), [], "nothing under the shredded id")
        try assertReadable(vault)
    }

    func testATenantShreddedAndCreatedAgainInBetweenIsNotConfusedWithTheOldOne() throws {
        let (vault, prepared) = try vaultWithAlicePrepared()
        try vault.shredTenant("acme")
        vault.waitForPurge()
        _ = try vault.createTenant("acme")
        try vault.addSubject("alice", tenant: "acme")
        try setPrepared(vault, prepared)
        try assertReadable(vault)
    }
}
