import Foundation
import XCTest
@testable import CofferStore

/// The erasure bound of docs/OPERATIONS.md, shown on real backups.
final class BackupErasureTests: BackupTestCase {
    /// The Must-show of issue 4: a vault backup taken before a tenant shred, restored after it
    /// with the current keyring, cannot give back the shredded tenant; other tenants are intact.
    func testVaultBackupFromBeforeATenantShredRestoredWithTheCurrentKeyringCannotReadTheShreddedTenant() throws {
        let (shreddedID, intact) = try withVault { vault in
            try populate(vault, tenant: "alpha", subjects: 5)
            let intact = try populate(vault, tenant: "beta", subjects: 5)
            return (try tenantID("alpha"), intact)
        }
        let backup = backupPath("before-shred")
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, parts: [.vault], cofferVersion: "test")
        try withVault { vault in
            try vault.shredTenant("alpha")
            vault.waitForPurge()
        }

        // What the backup would give with the current keyring: alpha's rows are there, unreadable.
        let preview = VaultVerifier.verify(backup: backup, liveDataDirectory: dataDirectory, masterKeyPath: masterKeyPath, options: exhaustive)
        XCTAssertTrue(preview.isHealthy, "\(preview.problems)")
        XCTAssertEqual(preview.shreddedTenants, 1)
        XCTAssertEqual(preview.shreddedTenantSubjects, 5)
        XCTAssertEqual(preview.sampledSubjects, 5, "only beta's subjects can be decrypted")

        let summary = try BackupRestorer.restore(from: backup, dataDirectory: dataDirectory, masterKeyPath: masterKeyPath,
                                                 parts: [.vault], force: true)
        XCTAssertEqual(summary.shreddedTenants, 1)
        XCTAssertEqual(try subjectRows(ofTenant: shreddedID), 5, "the restored vault holds alpha's rows again")

        try withVault { vault in
            XCTAssertThrowsError(try vault.listSubjects(tenant: "alpha")) { XCTAssertTrue(Self.isTenantNotFound($0), "\($0)") }
            XCTAssertThrowsError(try vault.get(subject: "alpha-subject-0@example.com", field: "phone", tenant: "alpha")) {
                XCTAssertTrue(Self.isTenantNotFound($0), "\($0)")
            }
            XCTAssertEqual(try contents(of: vault, tenant: "beta"), intact)
            XCTAssertEqual(try vault.listTenants().map(\.name), ["beta"])
            vault.waitForPurge()
            // A re-created tenant of that name starts empty, with new keys.
            _ = try vault.createTenant("alpha")
            XCTAssertEqual(try vault.listSubjects(tenant: "alpha").subjects, [])
        }
        XCTAssertEqual(try subjectRows(ofTenant: shreddedID), 0, "the server purged the unreadable rows")
    }

    /// Why keyring backups must expire: a keyring backup from before the shred still holds the
    /// tenant's keys, so restoring it brings the tenant back. The bound is its retention.
    func testAKeyringBackupFromBeforeATenantShredStillRecoversTheTenantUntilItExpires() throws {
        let expected = try withVault { try populate($0, tenant: "alpha", subjects: 3) }
        let backup = backupPath("before-shred")
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")
        try withVault { vault in
            try vault.shredTenant("alpha")
            vault.waitForPurge()
        }

        try BackupRestorer.restore(from: backup, dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, force: true)

        XCTAssertEqual(try withVault { try contents(of: $0, tenant: "alpha") }, expected)
    }

    /// A shredded subject stays in vault backups from before its shred, with its data key
    /// wrapped under the tenant key of that time. Once `KEY ROTATE` has retired that version,
    /// keyrings from after the rotation cannot read any of that vault backup: what remains of
    /// the subject is gone when the keyring backups from before the rotation expire (P + R).
    func testAfterATenantKeyRotationAVaultBackupFromBeforeASubjectShredCannotBeReadWithLaterKeyrings() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 3) }
        let before = backupPath("before-shred")
        try BackupCreator.create(dataDirectory: dataDirectory, destination: before, cofferVersion: "test")
        try withVault { vault in
            try vault.shredSubject("acme-subject-0@example.com", tenant: "acme")
            XCTAssertEqual(try vault.rotateTenantKey("acme"), 2)
        }
        let after = backupPath("after-rotation")
        try BackupCreator.create(dataDirectory: dataDirectory, destination: after, parts: [.keyring], cofferVersion: "test")

        // Until its keyring expires, the old pair still holds the subject (the bound is not zero).
        XCTAssertTrue(VaultVerifier.verify(backup: before, liveDataDirectory: nil, masterKeyPath: masterKeyPath, options: exhaustive).isHealthy)

        // The old vault with the only keyring left after that: nothing in it can be unwrapped.
        let mixed = directory + "/mixed"
        try FileManager.default.createDirectory(atPath: mixed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: before + "/vault.db", toPath: mixed + "/vault.db")
        try FileManager.default.copyItem(atPath: after + "/keyring.db", toPath: mixed + "/keyring.db")
        let report = VaultVerifier.verify(dataDirectory: mixed, masterKeyPath: masterKeyPath, options: exhaustive)
        XCTAssertEqual(report.sampledSubjects, 0)
        XCTAssertEqual(report.problemCount, 3 * 2, "each subject's identifier and data key name the retired version: \(report.problems)")
        XCTAssertTrue(report.problems.allSatisfy { $0.contains("tenant key version 1, which the keyring does not hold") }, "\(report.problems)")

        // And a restore refuses to pair them.
        let error = backupError {
            try BackupRestorer.restore(from: before, dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, parts: [.vault], force: true)
        }
        guard case .keyringDoesNotFitVault = error else { return XCTFail("unexpected: \(String(describing: error))") }
    }

    private func tenantID(_ name: String) throws -> Int64 {
        let keyring = try Database(path: dataDirectory + "/keyring.db", mode: .readOnly)
        return try XCTUnwrap(try keyring.row("SELECT id FROM tenants WHERE name = ?", name)?.int64(0))
    }

    private func subjectRows(ofTenant id: Int64) throws -> Int64 {
        let vault = try Database(path: dataDirectory + "/vault.db", mode: .readOnly)
        return try XCTUnwrap(try vault.row("SELECT count(*) FROM subjects WHERE tenant_id = ?", id)?.int64(0))
    }

    private static func isTenantNotFound(_ error: any Error) -> Bool {
        if case .notFound(.tenant) = error as? VaultError { return true }
        return false
    }
}
