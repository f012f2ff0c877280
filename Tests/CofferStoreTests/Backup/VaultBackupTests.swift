import Foundation
import Synchronization
import XCTest
@testable import CofferStore

final class VaultBackupTests: BackupTestCase {
    func testBackupsTakenWhileAWriterCommitsAreConsistentSnapshotsThatVerifyAndRestore() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        let writer = BackgroundWriter(vault: vault, tenant: "acme")
        writer.start()
        defer { writer.stop() }
        writer.waitForWrites(20)

        // Backups while the writer keeps committing, until at least two of them saw commits
        // happen while they ran: each must still be one point in time.
        var backups: [(path: String, committedBefore: Int, committedAfter: Int)] = []
        var overlapping = 0
        for attempt in 0..<20 where overlapping < 2 {
            let backup = backupPath("during-\(attempt)")
            let before = writer.written
            try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")
            let after = writer.written
            backups.append((backup, before, after))
            if after > before { overlapping += 1 }
            writer.waitForWrites(after + 5)
        }
        writer.stop()
        vault.close()
        XCTAssertEqual(overlapping, 2, "the writer never committed while a backup ran")

        for (index, (backup, before, after)) in backups.enumerated() {
            let report = VaultVerifier.verify(backup: backup, liveDataDirectory: nil, masterKeyPath: masterKeyPath, options: exhaustive)
            XCTAssertTrue(report.isHealthy, "backup \(index): \(report.problems)")
            let restored = directory + "/restored-\(index)"
            try BackupRestorer.restore(from: backup, dataDirectory: restored, masterKeyPath: masterKeyPath)
            let subjects = try withVault(dataDirectory: restored) { try contents(of: $0, tenant: "acme") }
            // Writes are sequential, so a snapshot holds exactly the first k subjects, each with
            // both fields of its one SET: never half a transaction, never a gap.
            // It holds every commit acknowledged before it started, and none that began after
            // it returned (one may have been committing, not yet counted, as it returned).
            let count = subjects.count
            XCTAssertGreaterThanOrEqual(count, before, "backup \(index) misses acknowledged writes")
            XCTAssertLessThanOrEqual(count, after + 1, "backup \(index)")
            XCTAssertEqual(Set(subjects.keys), Set((0..<count).map(BackgroundWriter.subject)), "backup \(index) is not a prefix")
            for (subject, fields) in subjects {
                XCTAssertEqual(fields, BackgroundWriter.fields(of: subject), "backup \(index) holds a partial write")
            }
        }
    }

    func testBackupsTakenWhileTenantKeysRotateHoldAVaultAndAKeyringThatFitTogether() throws {
        let vault = try openVault()
        try populate(vault, tenant: "acme", subjects: 20)
        let rotations = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let finished = DispatchSemaphore(value: 0)
        Thread {
            while !stop.load(ordering: .sequentiallyConsistent) {
                do { _ = try vault.rotateTenantKey("acme") } catch { XCTFail("rotation failed: \(error)"); break }
                rotations.add(1, ordering: .sequentiallyConsistent)
                usleep(2000)
            }
            finished.signal()
        }.start()

        var backups: [String] = []
        for attempt in 0..<10 {
            let backup = backupPath("rotating-\(attempt)")
            try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")
            backups.append(backup)
        }
        stop.store(true, ordering: .sequentiallyConsistent)
        finished.wait()
        vault.close()

        XCTAssertGreaterThan(rotations.load(ordering: .sequentiallyConsistent), 1, "no rotation ran during the backups")
        for backup in backups {
            let report = VaultVerifier.verify(backup: backup, liveDataDirectory: nil, masterKeyPath: masterKeyPath, options: exhaustive)
            XCTAssertTrue(report.isHealthy, "\(backup): \(report.problems)")
            XCTAssertEqual(report.sampledSubjects, 20)
        }
    }

    func testBackupDirectoryIsOwnerOnlyAndHoldsExactlyTheCopiesAndTheManifest() throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        try withVault { try populate($0, tenant: "acme", subjects: 3) }
        let backup = backupPath()

        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")

        XCTAssertEqual(try permissions(of: backup), 0o700)
        XCTAssertEqual(try fileNames(in: backup), ["keyring.db", "manifest.json", "vault.db"])
        for name in try fileNames(in: backup) {
            XCTAssertEqual(try permissions(of: backup + "/" + name), 0o600, name)
        }
    }

    func testBackupHoldsNoMasterKeyBytes() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 5) }
        let backup = backupPath()
        try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test")

        // The scan is able to fail: it finds the key in the key file itself.
        XCTAssertTrue(try fileContainsMasterKey(masterKeyPath))
        for name in try fileNames(in: backup) {
            XCTAssertFalse(try fileContainsMasterKey(backup + "/" + name), "\(name) holds master key bytes")
        }
    }

    func testManifestRecordsEachFilesSizeHashSchemaAndTheMasterKeyVersionsTheKeyringNeeds() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 2) }
        let backup = backupPath()

        let written = try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "9.9.9",
                                               now: Date(timeIntervalSince1970: 1_750_000_000))

        let manifest = try BackupManifest.read(fromDirectory: backup)
        XCTAssertEqual(manifest, written)
        XCTAssertEqual(manifest.created, "2025-06-15T15:06:40Z")
        XCTAssertEqual(manifest.cofferVersion, "9.9.9")
        XCTAssertEqual(manifest.parts, [.vault, .keyring])
        for entry in manifest.files {
            let path = backup + "/" + entry.name
            XCTAssertEqual(entry.bytes, try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).toInt64)
            XCTAssertEqual(entry.sha256, try FileDigest.sha256(ofFileAt: path).sha256)
            XCTAssertEqual(entry.userVersion, entry.part.newestSchemaVersion)
        }
        XCTAssertEqual(manifest.entry(for: .keyring)?.masterKeyVersions, [1])
        XCTAssertNil(manifest.entry(for: .vault)?.masterKeyVersions)
    }

    func testFileDigestIsSHA256() throws {
        let path = directory + "/abc"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("abc".utf8)))
        let digest = try FileDigest.sha256(ofFileAt: path)
        XCTAssertEqual(digest.bytes, 3)
        XCTAssertEqual(digest.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testOnlyVaultBackupHoldsNoKeyring() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 2) }
        let backup = backupPath()

        let manifest = try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, parts: [.vault], cofferVersion: "test")

        XCTAssertEqual(manifest.parts, [.vault])
        XCTAssertEqual(try fileNames(in: backup), ["manifest.json", "vault.db"])
    }

    func testBackupRefusesADestinationThatIsNotEmpty() throws {
        try withVault { try populate($0, tenant: "acme", subjects: 1) }
        let backup = backupPath()
        try FileManager.default.createDirectory(atPath: backup, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: backup + "/keep", contents: Data("keep".utf8)))

        let error = backupError { try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test") }

        guard case .destinationNotEmpty = error else { return XCTFail("unexpected: \(String(describing: error))") }
        XCTAssertEqual(try fileNames(in: backup), ["keep"])
    }

    func testBackupOfADataDirectoryWithoutDatabasesFailsAndLeavesNothing() throws {
        let backup = backupPath()
        let error = backupError { try BackupCreator.create(dataDirectory: dataDirectory, destination: backup, cofferVersion: "test") }
        guard case .missingDatabase = error else { return XCTFail("unexpected: \(String(describing: error))") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: backup + "/" + BackupManifest.fileName))
    }
}

private extension Int {
    var toInt64: Int64 { Int64(self) }
}

/// A thread that keeps writing new subjects (two fields in one SET each) until stopped.
private final class BackgroundWriter: Sendable {
    let vault: Vault
    let tenant: String
    private let count = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(vault: Vault, tenant: String) {
        self.vault = vault
        self.tenant = tenant
    }

    static func subject(_ index: Int) -> String { "writer-\(index)@example.com" }

    static func fields(of subject: String) -> [FieldValue] {
        [FieldValue(field: "a", value: "first of " + subject), FieldValue(field: "b", value: "second of " + subject)]
    }

    var written: Int { count.load(ordering: .sequentiallyConsistent) }

    func start() {
        let thread = Thread { [self] in
            while !stopping.load(ordering: .sequentiallyConsistent) {
                let subject = Self.subject(written)
                do {
                    try vault.set(subject: subject, pairs: Self.fields(of: subject), tenant: TenantRef(tenant), createSubject: true)
                } catch {
                    XCTFail("the writer failed: \(error)")
                    break
                }
                count.add(1, ordering: .sequentiallyConsistent)
            }
            finished.signal()
        }
        thread.start()
    }

    /// Waits (at most 30 s) until `target` subjects are written.
    func waitForWrites(_ target: Int) {
        let deadline = Date().addingTimeInterval(30)
        while written < target && Date() < deadline { usleep(1000) }
    }

    /// Stops the thread and returns how many subjects it wrote. Idempotent.
    @discardableResult
    func stop() -> Int {
        if !stopping.exchange(true, ordering: .sequentiallyConsistent) { finished.wait() }
        return written
    }
}
