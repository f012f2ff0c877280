import XCTest
import Foundation
@testable import CofferStore

/// A vault in a fresh temporary directory, removed after the test.
class VaultTestCase: XCTestCase {
    var directory: String!
    var configuration: VaultConfiguration!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "coffer-engine-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        configuration = VaultConfiguration(dataDirectory: directory + "/data", masterKeyPath: directory + "/keys/master.key")
        try FileManager.default.createDirectory(atPath: directory + "/keys", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        // Background work (purges, budget rotations) must not outlive the test: it would keep
        // running against removed files, and may still be inside OpenSSL when the process exits.
        for vault in opened.compactMap(\.vault) { vault.close() }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The vaults this test opened, to let their queued writes (audit records of reads) land
    /// before the test looks at the files.
    private var opened: [WeakVault] = []

    private struct WeakVault { weak var vault: Vault? }

    func openVault() throws -> Vault {
        let vault = try Vault(configuration: configuration)
        opened.append(WeakVault(vault: vault))
        return vault
    }

    /// Creates tenant `name`, claims it with the enrollment token and uses the claimed token once
    /// (which activates it); returns the administrator token.
    func createClaimedTenant(_ vault: Vault, _ name: String) throws -> String {
        _ = try vault.createTenant(name)
        let token = try vault.claimTenant(TenantRef(name))
        _ = try vault.authenticate(digest: try vault.tokenDigest(Array(token.utf8)))
        return token
    }

    /// Who a token is, in words: "tenant acme", "subject acme alice", "operator"; nil if nobody.
    func whoIs(_ token: String, in vault: Vault) throws -> String? {
        try vault.principal(forDigest: try vault.tokenDigest(Array(token.utf8))).map(Self.describe)
    }

    static func describe(_ principal: Principal) -> String {
        switch principal {
        case .operator: return "operator"
        case .enrollment(let tenant): return "enrollment \(tenant.name)"
        case .tenant(let tenant): return "tenant \(tenant.name)"
        case .subject(let tenant, let subject, _): return "subject \(tenant.name) \(subject)"
        }
    }

    func flushQueuedWrites() {
        for entry in opened { entry.vault?.waitForQueuedWrites() }
    }

    /// Every file under the test directory (databases, WAL, shared memory, keys).
    func allFiles() -> [String] {
        flushQueuedWrites()
        let enumerator = FileManager.default.enumerator(atPath: directory)!
        return enumerator.compactMap { $0 as? String }.map { directory + "/" + $0 }.filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    /// The database files of the vault, including `-wal` and `-shm` where they exist.
    func databaseFiles() -> [String] {
        allFiles().filter { $0.contains(".db") }
    }

    /// Paths of the files that contain `needle` anywhere in their raw bytes.
    func filesContaining(_ needle: [UInt8], in files: [String]) -> [String] {
        files.filter { path in
            // A -wal or -shm file may vanish when the last connection closes: then it holds nothing.
            guard let data = try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) else { return false }
            return Self.contains(data, needle)
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    /// A second, raw connection to one of the engine's databases, for tampering and inspection.
    func rawDatabase(_ name: String) throws -> Database {
        flushQueuedWrites()
        return try Database(path: configuration.dataDirectory + "/" + name)
    }

    func assertVaultError(_ expression: @autoclosure () throws -> some Any, _ check: (VaultError) -> Bool,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            guard let error = error as? VaultError else { return XCTFail("not a VaultError: \(error)", file: file, line: line) }
            XCTAssertTrue(check(error), "unexpected error: \(error)", file: file, line: line)
        }
    }
}

extension VaultError {
    var isNotFound: Bool { if case .notFound = self { return true } else { return false } }
    var isExists: Bool { if case .exists = self { return true } else { return false } }
    var isInvalid: Bool { if case .invalid = self { return true } else { return false } }
    var isCrypto: Bool { if case .crypto = self { return true } else { return false } }
    var isKeyFile: Bool { if case .keyFile = self { return true } else { return false } }
    var isCorrupt: Bool { if case .corrupt = self { return true } else { return false } }
}
