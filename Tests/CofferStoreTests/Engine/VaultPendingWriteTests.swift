import XCTest
import Foundation
import Synchronization
@testable import CofferStore

/// Writes started without waiting (`Vault.startSet`, how a connection's pipelined writes reach
/// the writer), the background WAL checkpointer, and data-key seal reservations (issue 6).
final class VaultPendingWriteTests: VaultTestCase {
    func testWritesStartedTogetherShareCommitsAndARefusedOneFailsAlone() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            let before = vault.writeStatistics
            let tooBig = String(repeating: "x", count: configuration.maxValueBytes + 1)
            let pending = (0..<200).map { index in
                vault.startSet(subject: "s\(index)", pairs: [FieldValue(field: "phone", value: index % 50 == 7 ? tooBig : "\(index)")],
                               tenant: "acme", createSubject: true)
            }
            for (index, write) in pending.enumerated() {
                if index % 50 == 7 {
                    XCTAssertThrowsError(try write.wait(), "s\(index)") { error in
                        guard case .invalid? = error as? VaultError else { return XCTFail("expected INVALID, got \(error)") }
                    }
                } else {
                    XCTAssertNoThrow(try write.wait(), "s\(index)")
                }
            }
            let after = vault.writeStatistics
            XCTAssertGreaterThanOrEqual(after.jobs - before.jobs, 200)  // and background jobs of the vault
            XCTAssertLessThan(after.transactions - before.transactions, 20, "one thread's started writes shared commits")
            vault.close()
        }
        let reopened = try openVault()
        for index in 0..<200 {
            if index % 50 == 7 {
                XCTAssertThrowsError(try reopened.get(subject: "s\(index)", field: "phone", tenant: "acme"), "refused: never created")
            } else {
                XCTAssertEqual(try reopened.get(subject: "s\(index)", field: "phone", tenant: "acme"), "\(index)")
            }
        }
    }

    func testTheWALIsCheckpointedInTheBackgroundAndStaysBounded() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            let value = String(repeating: "v", count: 3000)  // about one page per field
            for batch in 0..<30 {
                let pending = (0..<200).map { index in
                    vault.startSet(subject: "s\(batch)-\(index)", pairs: [FieldValue(field: "note", value: value)],
                                   tenant: "acme", createSubject: true)
                }
                for write in pending { try write.wait() }
            }
            let deadline = Date().addingTimeInterval(5)
            while vault.backgroundCheckpoints == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            XCTAssertGreaterThan(vault.backgroundCheckpoints, 0, "the checkpointer thread copied the WAL")
            // 6,000 pages were written; the WAL starts over instead of growing with them.
            let walBytes = (try FileManager.default.attributesOfItem(atPath: configuration.vaultPath + "-wal")[.size] as? Int) ?? 0
            XCTAssertLessThan(walBytes, 2 * WALCheckpointer.writerCheckpointFrames * (4096 + 24))
            vault.close()
        }
        let reopened = try openVault()
        XCTAssertEqual(try reopened.listTenants(), [TenantSummary(name: "acme", subjects: 6000)])
        XCTAssertEqual(try reopened.get(subject: "s29-199", field: "note", tenant: "acme").count, 3000)
        XCTAssertEqual(try Database(path: configuration.vaultPath).integrityCheck(), ["ok"])
    }

    func testDataKeySealsArePersistedAheadAndNeverUnderCountedAfterARestart() throws {
        func persistedSeals() throws -> Int64 {
            try Database(path: configuration.vaultPath).row("SELECT seals FROM data_keys")?.int64(0) ?? -1
        }
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            for index in 0..<3 {
                try vault.set(subject: "alice", pairs: [FieldValue(field: "n", value: "\(index)")], tenant: "acme", createSubject: true)
            }
            vault.close()
        }
        // The first seal reserved a block beyond itself; the next two fitted in it.
        XCTAssertEqual(try persistedSeals(), 1 + SealBudget.dataKeyBlockSize)
        do {
            let vault = try openVault()
            try vault.set(subject: "alice", pairs: [FieldValue(field: "n", value: "again")], tenant: "acme", createSubject: true)
            vault.close()
        }
        // After a restart the count resumes from the reservation (over-counting), and the next
        // seal reserves a block beyond it.
        XCTAssertEqual(try persistedSeals(), (1 + SealBudget.dataKeyBlockSize) + 1 + SealBudget.dataKeyBlockSize)
    }
}

/// A group whose transaction SQLite rolls back by itself in the middle (it does so after some
/// SQLITE_FULL and I/O errors): no later job of the group may run outside the transaction, and
/// none is acknowledged.
final class GroupRolledBackMidwayTests: VaultTestCase {
    func testAGroupRolledBackBySQLiteFailsAsAWholeAndNothingOfItRemains() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try vault.set(subject: "before", pairs: [FieldValue(field: "f", value: "kept")], tenant: "acme", createSubject: true)
        // Holds the writer until the next jobs are all queued, so that it takes them as one group.
        let started = DispatchSemaphore(value: 0)
        let proceed = DispatchSemaphore(value: 0)
        let busy = vault.startWrite { _ in
            started.signal()
            proceed.wait()
        }
        started.wait()
        let first = vault.startSet(subject: "first", pairs: [FieldValue(field: "f", value: "1")], tenant: "acme", createSubject: true,
                                   audit: AuditEvent(actor: .tenant("acme"), action: "SET"))
        let rollback = vault.startWrite(groupable: true) { core in try core.vault.execute("ROLLBACK") }
        // Run now, it would be in a transaction of its own (its savepoint opens one), which commits.
        let probeRan = Atomic(false)
        let probe = vault.startWrite(groupable: true) { _ in probeRan.store(true, ordering: .relaxed) }
        let last = vault.startSet(subject: "last", pairs: [FieldValue(field: "f", value: "2")], tenant: "acme", createSubject: true,
                                  audit: AuditEvent(actor: .tenant("acme"), action: "SET"))
        proceed.signal()
        try busy.wait()
        for (name, write) in [("first", first), ("rollback", rollback), ("probe", probe), ("last", last)] {
            XCTAssertThrowsError(try write.wait(), "\(name): the group's transaction is gone")
        }
        XCTAssertFalse(probeRan.load(ordering: .relaxed), "no job of the group runs after its transaction is gone")
        for subject in ["first", "last"] {
            XCTAssertThrowsError(try vault.get(subject: subject, field: "f", tenant: "acme"), "\(subject) must not exist")
        }
        try vault.set(subject: "after", pairs: [FieldValue(field: "f", value: "ok")], tenant: "acme", createSubject: true,
                      audit: AuditEvent(actor: .tenant("acme"), action: "SET"))
        XCTAssertEqual(try vault.get(subject: "before", field: "f", tenant: "acme"), "kept")
        XCTAssertEqual(try vault.get(subject: "after", field: "f", tenant: "acme"), "ok")
        vault.close()
        XCTAssertNil(try AuditVerifier.verify(configuration: configuration).problem, "the audit chain has no fork")
    }
}
