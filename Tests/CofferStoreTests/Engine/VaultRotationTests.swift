import XCTest
import Foundation
import Synchronization
@testable import CofferStore

final class VaultRotationTests: VaultTestCase {
    private func populate(_ vault: Vault, tenant: String, subjects: Int) throws {
        for s in 0..<subjects {
            try vault.set(subject: "\(tenant)-\(s)@example.com",
                          pairs: [FieldValue(field: "phone", value: "+49 \(s)"), FieldValue(field: "city", value: "City \(s)")],
                          tenant: TenantRef(tenant), createSubject: true)
        }
    }

    private func assertAllReadable(_ vault: Vault, tenant: String, subjects: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        for s in 0..<subjects {
            XCTAssertEqual(try vault.get(subject: "\(tenant)-\(s)@example.com", field: "phone", tenant: TenantRef(tenant)), "+49 \(s)", file: file, line: line)
        }
        XCTAssertEqual(try vault.allSubjects(tenant: TenantRef(tenant)).count, subjects, file: file, line: line)
    }

    /// Starts a thread that keeps reading and writing tenant "busy" until stopped; returns its
    /// failure count when stopped.
    private func backgroundTraffic(_ vault: Vault) -> (stop: () -> Int, thread: Thread) {
        let stop = Atomic(false)
        let failures = Atomic(0)
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            var i = 0
            while !stop.load(ordering: .relaxed) {
                do {
                    try vault.set(subject: "busy-\(i % 50)", pairs: [FieldValue(field: "n", value: "\(i)")], tenant: "busy", createSubject: true)
                    _ = try vault.get(subject: "busy-\(i % 50)", field: "n", tenant: "busy")
                    _ = try vault.get(subject: "acme-\(i % 1000)@example.com", field: "phone", tenant: "acme")
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
                i += 1
            }
            finished.signal()
        }
        thread.start()
        return ({ stop.store(true, ordering: .relaxed); finished.wait(); return failures.load(ordering: .relaxed) }, thread)
    }

    func testRotationsOfEveryKindWith1000SubjectsWhileServingLoseNothing() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        _ = try vault.createTenant("busy")
        try populate(vault, tenant: "acme", subjects: 1000)
        let traffic = backgroundTraffic(vault)

        XCTAssertEqual(try vault.rotateMasterKey(), 2)
        XCTAssertEqual(try vault.rotateTenantKey("acme"), 2)
        XCTAssertEqual(try vault.startReencryption(tenant: "acme"), 1)
        vault.waitForMaintenance()
        XCTAssertEqual(try vault.reencryptionStatus(tenant: "acme"), ReencryptionStatus(state: .done, done: 1000, total: 1000))
        XCTAssertEqual(try vault.rotateTenantKey("acme"), 3)
        XCTAssertEqual(try vault.rotateMasterKey(), 3)

        XCTAssertEqual(traffic.stop(), 0, "no request failed during the rotations")
        try assertAllReadable(vault, tenant: "acme", subjects: 1000)
        vault.waitForMaintenance()

        let reopened = try { () throws -> Vault in try openVault() }()
        try assertAllReadable(reopened, tenant: "acme", subjects: 1000)
        XCTAssertEqual(try MasterKeyFile.load(from: configuration.masterKeyPath).keys.keys.sorted(), [3])
        let keyring = try rawDatabase("keyring.db")
        XCTAssertEqual(try keyring.rows("SELECT version FROM tenant_keys WHERE tenant_id = (SELECT id FROM tenants WHERE name = 'acme')").compactMap { $0.int64(0) }, [3])
        let vaultDB = try rawDatabase("vault.db")
        XCTAssertEqual(try vaultDB.row("SELECT count(*) FROM data_keys WHERE version <> 2 AND subject_id IN (SELECT id FROM subjects WHERE tenant_id = (SELECT id FROM subjects LIMIT 1))")?.int64(0), 0)
    }

    func testRetiredKeysAreGoneFromTheDatabaseFiles() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try populate(vault, tenant: "acme", subjects: 50)
        let keyring = try rawDatabase("keyring.db")
        let vaultDB = try rawDatabase("vault.db")
        let oldTenantKeys = try keyring.rows("SELECT wrapped FROM tenant_keys").compactMap { $0.blob(0) }
            + (try keyring.rows("SELECT index_key FROM tenants").compactMap { $0.blob(0) })
        let oldDataKeys = try vaultDB.rows("SELECT wrapped FROM data_keys LIMIT 20").compactMap { $0.blob(0) }
        let oldValues = try vaultDB.rows("SELECT value FROM fields LIMIT 20").compactMap { $0.blob(0) }
        XCTAssertFalse(filesContaining(oldTenantKeys[0], in: databaseFiles()).isEmpty, "control")

        vault.recordAudit(AuditEvent(actor: .tenant("acme"), action: "GET", subject: "acme-1@example.com", fields: ["phone"]))
        vault.waitForQueuedWrites()
        let oldAuditKeys = try keyring.rows("SELECT wrapped FROM tenant_audit_keys").compactMap { $0.blob(0) }
            + (try keyring.rows("SELECT wrapped FROM service_keys").compactMap { $0.blob(0) })
        XCTAssertEqual(oldAuditKeys.count, 4, "tenant audit key, token key, authority key and audit chain key")
        _ = try vault.rotateMasterKey()
        for bytes in oldTenantKeys + oldAuditKeys {
            XCTAssertEqual(filesContaining(bytes, in: databaseFiles()), [], "master-wrapped keys of the retired master version")
        }
        let rewrappedTenantKey = try keyring.row("SELECT wrapped FROM tenant_keys")!.blob(0)!
        _ = try vault.rotateTenantKey("acme")
        XCTAssertEqual(filesContaining(rewrappedTenantKey, in: databaseFiles()), [], "the retired tenant key")
        for bytes in oldDataKeys {
            XCTAssertEqual(filesContaining(bytes, in: databaseFiles()), [], "data keys wrapped under the retired tenant key")
        }
        let rewrappedDataKeys = try vaultDB.rows("SELECT wrapped FROM data_keys LIMIT 20").compactMap { $0.blob(0) }
        _ = try vault.startReencryption(tenant: "acme")
        vault.waitForMaintenance()
        for bytes in rewrappedDataKeys + oldValues {
            XCTAssertEqual(filesContaining(bytes, in: databaseFiles()), [], "retired data keys and the values they sealed")
        }
        try assertAllReadable(vault, tenant: "acme", subjects: 50)
        XCTAssertEqual(try MasterKeyFile.load(from: configuration.masterKeyPath).currentVersion, 2)
        XCTAssertEqual(try vault.auditTrail(tenant: "acme", limit: 10).first?.subject, "acme-1@example.com", "audit details still open")
        XCTAssertNil(try vault.verifyAudit().problem)
    }

    func testAnInterruptedMasterRotationIsFinishedAtTheNextStart() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            try populate(vault, tenant: "acme", subjects: 5)
            vault.waitForMaintenance()
        }
        // A crash right after the new version was written to the key file, before the rewrap.
        var keys = try MasterKeyFile.load(from: configuration.masterKeyPath).keys
        keys[2] = try .random()
        try MasterKeyFile(keys: keys).save(to: configuration.masterKeyPath)

        let vault = try openVault()
        try assertAllReadable(vault, tenant: "acme", subjects: 5)
        XCTAssertEqual(try MasterKeyFile.load(from: configuration.masterKeyPath).keys.keys.sorted(), [2])
        let versions = try rawDatabase("keyring.db").rows("SELECT wrapped FROM tenant_keys").compactMap { $0.blob(0) }.map { Array($0[1...4]) }
        XCTAssertEqual(Set(versions), [[0, 0, 0, 2]])
    }

    func testAnInterruptedTenantKeyRotationIsFinishedAtTheNextStart() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            try populate(vault, tenant: "acme", subjects: 30)
            vault.waitForMaintenance()
        }
        // Half a rotation: a new key version exists, some keys are rewrapped, the old one is still there.
        do {
            let core = try VaultCore(configuration: configuration)
            _ = try core.beginTenantKeyRotation("acme")
            XCTAssertEqual(try core.rewrapTenantBatch("acme", after: 0, limit: 10), 10)
        }
        let vault = try openVault()
        try assertAllReadable(vault, tenant: "acme", subjects: 30)
        vault.waitForMaintenance()
        XCTAssertEqual(try rawDatabase("keyring.db").rows("SELECT version FROM tenant_keys").compactMap { $0.int64(0) }, [2])
        XCTAssertEqual(try rawDatabase("vault.db").row("SELECT count(*) FROM data_keys WHERE kek_version <> 2")?.int64(0), 0)
        try assertAllReadable(vault, tenant: "acme", subjects: 30)
    }

    func testAnInterruptedReencryptionResumesWhereItStopped() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            try populate(vault, tenant: "acme", subjects: 40)
            vault.waitForMaintenance()
        }
        do {
            let core = try VaultCore(configuration: configuration)
            try core.startReencryption("acme")
            XCTAssertTrue(try core.reencryptBatch(limit: 16))
            XCTAssertEqual(try core.reencryptionStatus("acme"), ReencryptionStatus(state: .running, done: 16, total: 40))
        }
        let vault = try openVault()
        vault.waitForMaintenance()
        XCTAssertEqual(try vault.reencryptionStatus(tenant: "acme"), ReencryptionStatus(state: .done, done: 40, total: 40))
        XCTAssertEqual(try rawDatabase("vault.db").rows("SELECT DISTINCT version FROM data_keys").compactMap { $0.int64(0) }, [2])
        try assertAllReadable(vault, tenant: "acme", subjects: 40)
    }

    func testTheNonceBudgetRotatesEveryKindOfKeyAutomatically() throws {
        configuration.nonceBudget = 8
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        _ = try vault.createTenant("solo")
        // A data key: 12 seals on one subject.
        for i in 0..<12 {
            try vault.set(subject: "alice", pairs: [FieldValue(field: "n", value: "\(i)")], tenant: "solo", createSubject: true)
        }
        let vaultDB = try rawDatabase("vault.db")
        XCTAssertGreaterThan(try vaultDB.row("SELECT max(version) FROM data_keys")?.int64(0) ?? 0, 1)
        XCTAssertEqual(try vault.get(subject: "alice", field: "n", tenant: "solo"), "11")
        // A tenant key: two seals per new subject.
        try populate(vault, tenant: "acme", subjects: 6)
        vault.waitForMaintenance()
        XCTAssertGreaterThan(try rawDatabase("keyring.db").row("SELECT max(version) FROM tenant_keys")?.int64(0) ?? 0, 1)
        // The master key: two seals per tenant.
        for t in 0..<4 { _ = try vault.createTenant("t\(t)") }
        vault.waitForMaintenance()
        XCTAssertGreaterThan(try MasterKeyFile.load(from: configuration.masterKeyPath).currentVersion, 1)
        try assertAllReadable(vault, tenant: "acme", subjects: 6)
        XCTAssertEqual(try vault.get(subject: "alice", field: "n", tenant: "solo"), "11")
    }

    func testTheServerRotatesTenantKeysOlderThanTheConfiguredPeriodByItself() throws {
        configuration.tenantKeyRotationSeconds = 7 * 86400
        configuration.rotationCheckIntervalSeconds = 0
        let vault = try openVault()
        for tenant in ["old", "young"] {
            _ = try vault.createTenant(tenant)
            try vault.set(subject: "alice", pairs: [FieldValue(field: "phone", value: tenant)], tenant: TenantRef(tenant), createSubject: true)
        }
        vault.waitForMaintenance()
        try rawDatabase("keyring.db").run("""
            UPDATE tenant_keys SET created_at = created_at - 8 * 86400 WHERE tenant_id = (SELECT id FROM tenants WHERE name = 'old')
            """)
        try vault.set(subject: "bob", pairs: [FieldValue(field: "phone", value: "1")], tenant: "young", createSubject: true)
        vault.waitForMaintenance()
        let versions = try rawDatabase("keyring.db").rows("""
            SELECT t.name, k.version FROM tenants t JOIN tenant_keys k ON k.tenant_id = t.id ORDER BY t.name
            """).map { "\($0.text(0)!) \($0.int64(1)!)" }
        XCTAssertEqual(versions, ["old 2", "young 1"], "only the key older than the period was rotated, and the old version retired")
        XCTAssertEqual(try vault.get(subject: "alice", field: "phone", tenant: "old"), "old")
    }
}
