import CofferCrypto
import Foundation
import XCTest
@testable import CofferStore

final class VaultRestoreTests: BackupTestCase {
    func testRestoreIntoAFreshDataDirectoryGivesAVaultThatReadsTheData() throws {
        let expected = try withVault { try populate($0, tenant: "acme", subjects: 10) }
        let backup = backupPath()
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")
        let fresh = directory + "/fresh-data"

        let summary = try BackupRestorer.restore(from: backup, dataDirectory: fresh, masterKeyPath: masterKeyPath)

        XCTAssertEqual(summary.restored, [.vault, .keyring])
        XCTAssertEqual(try permissions(of: fresh + "/vault.db"), 0o600)
        XCTAssertEqual(try permissions(of: fresh + "/keyring.db"), 0o600)
        let restored = try withVault(dataDirectory: fresh) { try contents(of: $0, tenant: "acme") }
        XCTAssertEqual(restored, expected)
    }

    func testRestoreOverExistingDatabasesNeedsForceAndThenBringsBackTheBackedUpState() throws {
        let before = try withVault { try populate($0, tenant: "acme", subjects: 3) }
        let backup = backupPath()
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")
        try withVault { vault in
            try vault.set(subject: "late@example.com", pairs: [FieldValue(field: "phone", value: "1")], tenant: "acme", createSubject: true)
            try vault.delete(subject: "acme-subject-0@example.com", field: "phone", tenant: "acme")
        }

        let error = backupError { try BackupRestorer.restore(from: backup, dataDirectory: dataDirectory, masterKeyPath: masterKeyPath) }
        guard case .targetHoldsData(let paths) = error else { return XCTFail("unexpected: \(String(describing: error))") }
        XCTAssertEqual(paths.count, 2)
        XCTAssertEqual(try withVault { try $0.listSubjects(tenant: "acme").subjects.count }, 4, "a refused restore changed the data")

        try BackupRestorer.restore(from: backup, dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, force: true)

        for name in ["vault.db-wal", "keyring.db-wal"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: dataDirectory + "/" + name)[.size] as? Int) ?? 0
            XCTAssertEqual(size, 0, "\(name): a stale WAL would replay pages over the restored file")
        }
        XCTAssertEqual(try withVault { try contents(of: $0, tenant: "acme") }, before)
    }

    func testARefusedRestoreCreatesNoFile() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 1) }
        let backup = backupPath()
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")
        try FileManager.default.removeItem(atPath: dataDirectory + "/vault.db")

        let error = backupError { try BackupRestorer.restore(from: backup, dataDirectory: dataDirectory, masterKeyPath: masterKeyPath) }

        guard case .targetHoldsData(let paths) = error else { return XCTFail("unexpected: \(String(describing: error))") }
        XCTAssertEqual(paths, [dataDirectory + "/keyring.db"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dataDirectory + "/vault.db"))
    }

    func testRestoreIsRefusedWhileAVaultHasTheDatabasesOpen() throws {
        let vault = try openVault()
        defer { vault.close() }
        try populate(vault, tenant: "acme", subjects: 2)
        let backup = backupPath()
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")

        // Even with --force, and with the vault idle: it holds the files open.
        let error = backupError {
            try BackupRestorer.restore(from: backup, dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, force: true)
        }

        guard case .inUse = error else { return XCTFail("unexpected: \(String(describing: error))") }
        XCTAssertEqual(try vault.listSubjects(tenant: "acme").subjects.count, 2)
    }

    func testRestoreRefusesAFileWhoseHashDoesNotMatchTheManifestAndChangesNothing() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 2) }
        let backup = backupPath()
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")
        try flipLastByte(of: backup + "/vault.db")
        let fresh = directory + "/fresh-data"

        let error = backupError { try BackupRestorer.restore(from: backup, dataDirectory: fresh, masterKeyPath: masterKeyPath) }

        guard case .hashMismatch = error else { return XCTFail("unexpected: \(String(describing: error))") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh + "/vault.db"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh + "/keyring.db"))
    }

    func testRestoreRefusesABackupWithoutManifest() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 1) }
        let backup = backupPath()
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")
        try FileManager.default.removeItem(atPath: backup + "/" + BackupManifest.fileName)

        let error = backupError { try BackupRestorer.restore(from: backup, dataDirectory: directory + "/fresh", masterKeyPath: masterKeyPath) }

        guard case .manifest = error else { return XCTFail("unexpected: \(String(describing: error))") }
    }

    func testRestoringAKeyringOlderThanTheVaultIsRefusedBecauseTheServerWouldPurgeNewerTenants() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 2) }
        let backup = backupPath()
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, parts: [.keyring], cofferVersion: "test")
        let newer = try withVault { try populate($0, tenant: "newer", subjects: 3) }

        let error = backupError {
            try BackupRestorer.restore(from: backup, dataDirectory: dataDirectory, masterKeyPath: masterKeyPath, force: true)
        }

        guard case .keyringOlderThanVault(let tenants) = error else { return XCTFail("unexpected: \(String(describing: error))") }
        XCTAssertEqual(tenants, 1)
        XCTAssertEqual(try withVault { try contents(of: $0, tenant: "newer") }, newer)
    }

    func testRestoringAKeyringNeedsTheMasterKeyVersionsItIsWrappedUnder() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 1) }
        let backup = backupPath()
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")
        // Another installation's master key file: version 2 only.
        try MasterKeyFile(keys: [2: try SymmetricKey.random()]).save(to: directory + "/keys/other.key")

        let error = backupError {
            try BackupRestorer.restore(from: backup, dataDirectory: directory + "/fresh", masterKeyPath: directory + "/keys/other.key")
        }

        guard case .masterKey(let reason) = error else { return XCTFail("unexpected: \(String(describing: error))") }
        XCTAssertTrue(reason.contains("version(s) 1"), reason)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/fresh/keyring.db"))
    }

    private func flipLastByte(of path: String) throws {
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        let end = try handle.seekToEnd()
        try handle.seek(toOffset: end - 1)
        let byte = try XCTUnwrap(handle.readData(ofLength: 1).first)
        try handle.seek(toOffset: end - 1)
        try handle.write(contentsOf: Data([byte ^ 0x01]))
    }
}
