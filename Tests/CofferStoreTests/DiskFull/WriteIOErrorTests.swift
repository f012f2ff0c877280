import XCTest
import Foundation
@testable import CofferStore

/// I/O errors on write (issue 7, item 5), injected under the engine by `FaultInjectingVFS`: a
/// write whose `write()` or `fsync()` fails is refused with a storage error (the server answers
/// `ERR INTERNAL`), changes nothing, leaves every acknowledged value readable, and the same open
/// vault accepts writes again once the disk behaves, without a restart.
final class WriteIOErrorTests: VaultTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        FaultInjectingVFS.install(directoryPrefix: directory)
    }

    override func tearDownWithError() throws {
        FaultInjectingVFS.uninstall()
        try super.tearDownWithError()
    }

    private func set(_ vault: Vault, _ subject: String, _ value: String) throws {
        try vault.set(subject: subject, pairs: [FieldValue(field: "note", value: value)], tenant: "acme", createSubject: true)
    }

    private func assertRead(_ vault: Vault, _ acknowledged: [String: String], _ when: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        for (subject, value) in acknowledged.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(try vault.get(subject: subject, field: "note", tenant: "acme"), value, "\(subject) \(when)",
                           file: file, line: line)
        }
    }

    private func assertAbsent(_ vault: Vault, _ subjects: [String], _ when: String, file: StaticString = #filePath, line: UInt = #line) {
        for subject in subjects {
            XCTAssertThrowsError(try vault.get(subject: subject, field: "note", tenant: "acme"), "\(subject) \(when)",
                                 file: file, line: line) { error in
                guard case .notFound(.subject)? = error as? VaultError else {
                    return XCTFail("expected no such subject, got \(error)", file: file, line: line)
                }
            }
        }
    }

    private func exercise(_ fault: FaultInjectingVFS.Fault) throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        var acknowledged: [String: String] = [:]
        for index in 0..<20 {
            try set(vault, "before-\(index)", "value \(index) " + String(repeating: "b", count: 500))
            acknowledged["before-\(index)"] = "value \(index) " + String(repeating: "b", count: 500)
        }

        let injectedBefore = FaultInjectingVFS.injected.load(ordering: .relaxed)
        FaultInjectingVFS.set(fault)
        let refused = (0..<5).map { "refused-\($0)" }
        for subject in refused {
            XCTAssertThrowsError(try set(vault, subject, "never stored")) { error in
                guard case .storage? = error as? VaultError else { return XCTFail("expected a storage error, got \(error)") }
            }
        }
        XCTAssertGreaterThan(FaultInjectingVFS.injected.load(ordering: .relaxed), injectedBefore, "the fault must have been hit")
        assertRead(vault, acknowledged, "while writes fail")

        FaultInjectingVFS.set(.none)
        for index in 0..<20 {
            try set(vault, "after-\(index)", "after \(index)")
            acknowledged["after-\(index)"] = "after \(index)"
        }
        assertRead(vault, acknowledged, "after the disk recovered")
        assertAbsent(vault, refused, "after the disk recovered")
        vault.close()

        for name in ["keyring.db", "vault.db"] {
            XCTAssertEqual(try Database(path: configuration.dataDirectory + "/" + name).integrityCheck(), ["ok"], name)
        }
        let reopened = try openVault()
        assertRead(reopened, acknowledged, "after reopening")
        assertAbsent(reopened, refused, "after reopening")
        reopened.close()
    }

    func testAFailedWriteIsRefusedChangesNothingAndTheVaultResumes() throws {
        try exercise(.write)
    }

    func testAFailedFsyncIsRefusedChangesNothingAndTheVaultResumes() throws {
        try exercise(.sync)
    }
}
