import XCTest
import Foundation
@testable import CofferStore

final class VaultAtRestTests: VaultTestCase {
    func testNoValueMarkerSubjectIdentifierOrTokenIsWrittenInClear() throws {
        let marker = "ZQXMARKER7731"
        let subjects = ["marker-subject-\(marker)@example.com", "Jöhn.Dœ.\(marker)"]
        var tokens: [String] = []
        do {
            let vault = try openVault()
            tokens.append(try vault.createTenant("acme"))
            for subject in subjects {
                try vault.set(subject: subject, pairs: [FieldValue(field: "phone", value: "phone-\(marker)"),
                                                        FieldValue(field: "note", value: String(repeating: marker, count: 100))],
                              tenant: "acme", createSubject: true)
                tokens.append(try vault.issueToken(subject: subject, tenant: "acme"))
            }
            try vault.addSubject("added-\(marker)", tenant: "acme")
            try vault.delete(subject: subjects[0], field: "note", tenant: "acme")
            vault.close()
        }
        let files = allFiles()
        XCTAssertTrue(files.contains { $0.hasSuffix("vault.db") })
        XCTAssertTrue(files.contains { $0.hasSuffix("keyring.db") })
        for needle in [marker, "marker-subject", "Jöhn", "added-"] + tokens {
            XCTAssertEqual(filesContaining(Array(needle.utf8), in: files), [], "found a clear-text secret in the files")
        }
    }

    func testMissingMasterKeyNextToExistingDatabasesIsRefusedByName() throws {
        do { _ = try openVault() }
        try FileManager.default.removeItem(atPath: configuration.masterKeyPath)
        assertVaultError(try openVault()) { error in
            guard case .keyFile(.missing(let path)) = error else { return false }
            return path == self.configuration.masterKeyPath && error.description.contains("master.key")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: configuration.masterKeyPath), "nothing was created")
    }

    func testMissingMasterKeyWithCreationOffIsRefused() throws {
        configuration.createMissingMasterKey = false
        assertVaultError(try openVault()) { $0.isKeyFile && $0.description.contains(self.configuration.masterKeyPath) }
    }

    func testGroupOrWorldReadableMasterKeyIsRefusedByName() throws {
        do { _ = try openVault() }
        for mode in [0o644, 0o640, 0o604] {
            chmod(configuration.masterKeyPath, mode_t(mode))
            assertVaultError(try openVault()) { error in
                guard case .keyFile(.tooPermissive(let path, _)) = error else { return false }
                return path == self.configuration.masterKeyPath && error.description.contains("chmod 600")
            }
        }
        chmod(configuration.masterKeyPath, 0o600)
        XCTAssertNoThrow(try openVault())
    }

    func testMasterKeyFileIsCreated0600AndAWrongKeyIsRefused() throws {
        do { try openVault().waitForPurge() }
        let attributes = try FileManager.default.attributesOfItem(atPath: configuration.masterKeyPath)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        for file in databaseFiles() {
            let mode = (try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber)?.intValue ?? 0
            XCTAssertEqual(mode & 0o077, 0, "\(file) is private")
        }
        try MasterKeyFile.generate().save(to: configuration.masterKeyPath)
        assertVaultError(try openVault()) { error in
            error.isKeyFile && error.description.contains(self.configuration.masterKeyPath) && error.description.contains("does not belong")
        }
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: configuration.masterKeyPath))
        chmod(configuration.masterKeyPath, 0o600)
        assertVaultError(try openVault()) { $0.isKeyFile && $0.description.contains("not a Coffer master key file") }
    }
}
