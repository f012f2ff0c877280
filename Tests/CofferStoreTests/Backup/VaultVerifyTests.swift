import CofferCrypto
import Foundation
import XCTest
@testable import CofferStore

final class VaultVerifyTests: BackupTestCase {
    func testAHealthyDataDirectoryVerifiesAndEverySubjectIsDecryptedWhenTheSampleCoversThem() throws {
        try withVault { vault in
            try populate(vault, tenant: "acme", subjects: 4)
            try populate(vault, tenant: "beta", subjects: 3)
        }

        let report = VaultVerifier.verify(dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, options: exhaustive)

        XCTAssertTrue(report.isHealthy, "\(report.problems)")
        XCTAssertEqual(report.tenants, 2)
        XCTAssertEqual(report.subjects, 7)
        XCTAssertEqual(report.fields, 14)
        XCTAssertEqual(report.sampledSubjects, 7)
        XCTAssertEqual(report.decryptedFields, 14)
        XCTAssertEqual(report.masterKeyVersions, [1])
    }

    func testTheSampleIsLimitedPerTenant() throws {
        try withVault { vault in
            try populate(vault, tenant: "acme", subjects: 6)
            try populate(vault, tenant: "beta", subjects: 1)
        }

        let report = VaultVerifier.verify(dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, options: VerificationOptions(sampleSize: 2))

        XCTAssertTrue(report.isHealthy, "\(report.problems)")
        XCTAssertEqual(report.sampledSubjects, 3)
    }

    func testVerifyReportsAuthorityMovedBetweenPrincipalsInTheFiles() throws {
        try withVault { vault in
            try populate(vault, tenant: "acme", subjects: 2)
            try populate(vault, tenant: "beta", subjects: 2)
            for tenant in ["acme", "beta"] {
                _ = try vault.claimTenant(TenantRef(tenant))
                _ = try vault.issueToken(subject: "\(tenant)-subject-0@example.com", tenant: TenantRef(tenant))
            }
        }
        XCTAssertTrue(VaultVerifier.verify(dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, options: exhaustive).isHealthy, "control")
        let keyring = try Database(path: dataDirectory + "/keyring.db")
        try keyring.run("UPDATE credentials SET tenant_id = (SELECT id FROM tenants WHERE name = 'beta') WHERE tenant_id = (SELECT id FROM tenants WHERE name = 'acme')")
        try keyring.run("UPDATE tenants SET subject_self_edit = 1 WHERE name = 'beta'")
        let vaultDB = try Database(path: dataDirectory + "/vault.db")
        let holder = try XCTUnwrap(vaultDB.row("SELECT id, token, token_authority FROM subjects WHERE token IS NOT NULL ORDER BY id LIMIT 1"))
        try vaultDB.run("UPDATE subjects SET token = NULL, token_authority = NULL WHERE id = ?", holder.int64(0)!)
        try vaultDB.run("UPDATE subjects SET token = ?, token_authority = ? WHERE id = (SELECT max(id) FROM subjects)", holder.blob(1)!, holder.blob(2)!)

        let report = VaultVerifier.verify(dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, options: exhaustive)
        XCTAssertFalse(report.isHealthy)
        XCTAssertTrue(report.problems.contains { $0.contains("tenant beta: its row's authority MAC does not match") }, "\(report.problems)")
        XCTAssertTrue(report.problems.contains { $0.contains("credential of tenant #") && $0.contains("does not match its authority MAC") }, "\(report.problems)")
        XCTAssertTrue(report.problems.contains { $0.contains("token digest does not match its authority MAC") }, "\(report.problems)")
    }

    func testVerifyDetectsAFlippedByteInsideAFieldCiphertext() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 3) }
        try tamperWithOneField { sealed in sealed[Envelope.headerByteCount + AESGCM.nonceByteCount] ^= 0x01 }

        let report = VaultVerifier.verify(dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, options: exhaustive)

        XCTAssertFalse(report.isHealthy)
        XCTAssertEqual(report.problemCount, 1, "\(report.problems)")
        XCTAssertTrue(report.problems.first?.contains("a field value does not decrypt") == true, "\(report.problems)")
        XCTAssertEqual(report.sampledSubjects, 2)
    }

    func testVerifyDetectsAnUnreadableEnvelopeHeaderWithoutDecrypting() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 3) }
        try tamperWithOneField { sealed in sealed[0] = 0x7F }

        let report = VaultVerifier.verify(dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, options: VerificationOptions(sampleSize: 0))

        XCTAssertEqual(report.problemCount, 1, "\(report.problems)")
        XCTAssertTrue(report.problems.first?.contains("header of a field value is unreadable") == true, "\(report.problems)")
    }

    func testVerifyDetectsADataKeyWrappedUnderATenantKeyVersionTheKeyringDoesNotHold() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 2) }
        let vault = try Database(path: dataDirectory + "/vault.db")
        let row = try XCTUnwrap(try vault.row("SELECT subject_id, version, wrapped FROM data_keys LIMIT 1"))
        var wrapped = try XCTUnwrap(row.blob(2))
        wrapped[4] = 9  // the low byte of the version: tenant key version 9
        try vault.run("UPDATE data_keys SET wrapped = ? WHERE subject_id = ? AND version = ?", wrapped, row.int64(0), row.int64(1))

        let report = VaultVerifier.verify(dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, options: VerificationOptions(sampleSize: 0))

        XCTAssertEqual(report.problemCount, 1, "\(report.problems)")
        XCTAssertTrue(report.problems.first?.contains("tenant key version 9, which the keyring does not hold") == true, "\(report.problems)")
    }

    func testVerifyOfABackupDetectsAManifestHashMismatch() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 2) }
        let backup = backupPath()
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")
        XCTAssertTrue(VaultVerifier.verify(backup: backup, liveDataDirectory: nil, masterKeyPath: masterKeyPath).isHealthy)
        var manifest = try BackupManifest.read(fromDirectory: backup)
        manifest.files[1].sha256 = String(repeating: "0", count: 64)
        try BackupFiles.writeAtomically(try manifest.encoded(), to: backup + "/" + BackupManifest.fileName)

        let report = VaultVerifier.verify(backup: backup, liveDataDirectory: nil, masterKeyPath: masterKeyPath)

        XCTAssertFalse(report.isHealthy)
        XCTAssertTrue(report.problems.contains { $0.contains("keyring.db does not match the backup manifest") }, "\(report.problems)")
    }

    func testVerifyWithTheWrongMasterKeyReportsKeysThatDoNotUnwrap() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 1) }
        let other = directory + "/keys/other.key"
        try MasterKeyFile(keys: [1: try SymmetricKey.random()]).save(to: other)

        let report = VaultVerifier.verify(dataDirectory: dataDirectory, masterKeyPath: other)

        XCTAssertFalse(report.isHealthy)
        XCTAssertTrue(report.problems.contains { $0.contains("token key does not unwrap") }, "\(report.problems)")
        XCTAssertTrue(report.problems.contains { $0.contains("tenant acme: key-encryption key version 1 does not unwrap") }, "\(report.problems)")
        XCTAssertEqual(report.sampledSubjects, 0)
    }

    func testRowsOfAShreddedTenantAreReportedAsExpectedNotAsProblems() throws {
        let backup = backupPath()
        try withVault { vault in
            try populate(vault, tenant: "gone", subjects: 4)
            try populate(vault, tenant: "kept", subjects: 2)
            try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, parts: [.vault], cofferVersion: "test")
            try vault.shredTenant("gone")
        }

        let report = VaultVerifier.verify(backup: backup, liveDataDirectory: dataDirectory, masterKeyPath: masterKeyPath, options: exhaustive)

        XCTAssertTrue(report.isHealthy, "\(report.problems)")
        XCTAssertEqual(report.shreddedTenants, 1)
        XCTAssertEqual(report.shreddedTenantSubjects, 4)
        XCTAssertEqual(report.subjects, 2)
        XCTAssertTrue(report.lines.contains { $0.contains("unreadable (shredded tenant), as expected") }, "\(report.lines)")
    }

    func testReportsNameNoSubjectIdentifierOrValue() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 2) }
        try tamperWithOneField { sealed in sealed[sealed.count - 1] ^= 0xFF }

        let report = VaultVerifier.verify(dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, options: exhaustive)

        XCTAssertFalse(report.isHealthy)
        let text = (report.lines + report.problems).joined(separator: "\n")
        XCTAssertFalse(text.contains("@example.com"), text)
        XCTAssertFalse(text.contains("+49"), text)
        XCTAssertFalse(text.contains("phone"), text)
    }

    /// Rewrites the sealed value of one field row through a raw connection (the vault is closed).
    private func tamperWithOneField(_ change: (inout [UInt8]) -> Void) throws {
        let vault = try Database(path: dataDirectory + "/vault.db")
        let row = try XCTUnwrap(try vault.row("SELECT subject_id, name, value FROM fields ORDER BY subject_id LIMIT 1"))
        var sealed = try XCTUnwrap(row.blob(2))
        change(&sealed)
        try vault.run("UPDATE fields SET value = ? WHERE subject_id = ? AND name = ?", sealed, row.int64(0), row.text(1))
    }
}
