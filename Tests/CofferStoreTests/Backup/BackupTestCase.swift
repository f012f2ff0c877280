import CofferCrypto
import Foundation
import XCTest
@testable import CofferStore

/// A vault in a fresh temporary directory (`data/`, `keys/master.key`), with room for backups
/// (`backups/…`) and for restores into other data directories; removed after the test.
class BackupTestCase: XCTestCase {
    var directory: String!
    var configuration: VaultConfiguration!

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = NSTemporaryDirectory() + "coffer-backup-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/keys", withIntermediateDirectories: true)
        configuration = VaultConfiguration(dataDirectory: directory + "/data", masterKeyPath: directory + "/keys/master.key")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
        try super.tearDownWithError()
    }

    var dataDirectory: String { configuration.dataDirectory }
    var masterKeyPath: String { configuration.masterKeyPath }

    /// A path for a backup directory (not created).
    func backupPath(_ name: String = "nightly") -> String { directory + "/backups/" + name }

    /// Opens the vault of `dataDirectory` (default: the test's data directory) with the test's master key.
    func openVault(dataDirectory: String? = nil) throws -> Vault {
        var configuration = self.configuration!
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        return try Vault(configuration: configuration)
    }

    /// Runs `body` with a vault that is closed (all its connections released) when it returns.
    @discardableResult
    func withVault<T>(dataDirectory: String? = nil, _ body: (Vault) throws -> T) throws -> T {
        let vault = try openVault(dataDirectory: dataDirectory)
        defer { vault.close() }
        return try body(vault)
    }

    /// Creates `tenant` with `count` subjects `<tenant>-subject-<i>@example.com`, each with a
    /// phone and an e-mail field; returns every subject's fields.
    @discardableResult
    func populate(_ vault: Vault, tenant: String, subjects count: Int) throws -> [String: [FieldValue]] {
        _ = try vault.createTenant(tenant)
        var expected: [String: [FieldValue]] = [:]
        for index in 0..<count {
            let subject = "\(tenant)-subject-\(index)@example.com"
            let fields = [FieldValue(field: "email", value: "\(subject) mail"), FieldValue(field: "phone", value: "+49 30 \(index)")]
            try vault.set(subject: subject, pairs: fields, tenant: TenantRef(tenant), createSubject: true)
            expected[subject] = fields
        }
        return expected
    }

    /// Every subject of `tenant` with its fields, read through the engine.
    func contents(of vault: Vault, tenant: String) throws -> [String: [FieldValue]] {
        var result: [String: [FieldValue]] = [:]
        for subject in try vault.allSubjects(tenant: TenantRef(tenant)) {
            result[subject] = try vault.export(subject: subject, tenant: TenantRef(tenant))
        }
        return result
    }

    /// Verification decrypting every subject, so that a single damaged row cannot be missed.
    var exhaustive: VerificationOptions { VerificationOptions(sampleSize: 1_000_000, maximumProblemsListed: 50) }

    /// The permission bits of a file or directory.
    func permissions(of path: String) throws -> Int {
        try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// The files of a directory, by name.
    func fileNames(in path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    /// Whether `file` contains any version of the master key, compared in place (the key bytes
    /// never leave their zeroizing buffers).
    func fileContainsMasterKey(_ file: String) throws -> Bool {
        let contents = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        let master = try MasterKeyFile.load(from: masterKeyPath)
        return master.keys.values.contains { key in
            key.withUnsafeBytes { needle in
                contents.withUnsafeBytes { haystack in Self.contains(haystack, needle) }
            }
        }
    }

    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: UnsafeRawBufferPointer) -> Bool {
        guard needle.count > 0, haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && memcmp(haystack.baseAddress! + start, needle.baseAddress!, needle.count) == 0 {
            return true
        }
        return false
    }

    /// Runs `body` and returns the `BackupError` it throws, failing the test if it throws none.
    func backupError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> BackupError? {
        do {
            try body()
            XCTFail("expected a BackupError", file: file, line: line)
        } catch let error as BackupError {
            return error
        } catch {
            XCTFail("not a BackupError: \(error)", file: file, line: line)
        }
        return nil
    }
}
