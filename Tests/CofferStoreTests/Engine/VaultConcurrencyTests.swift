import XCTest
import Foundation
import Synchronization
@testable import CofferStore

final class VaultConcurrencyTests: VaultTestCase {
    func testConcurrentWritesAreGroupedAndAllDurable() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            let failures = Atomic(0)
            // Sixteen threads of their own, like sixteen connections: `concurrentPerform` would
            // run only as many at once as there are cores, which on two cores can alternate so
            // neatly that no two writes ever wait together.
            runOnThreads(16) { writer in
                for i in 0..<60 {
                    do {
                        try vault.set(subject: "w\(writer)-\(i)", pairs: [FieldValue(field: "phone", value: "\(writer)/\(i)")],
                                      tenant: "acme", createSubject: true)
                    } catch {
                        failures.add(1, ordering: .relaxed)
                    }
                }
            }
            XCTAssertEqual(failures.load(ordering: .relaxed), 0)
            let statistics = vault.writeStatistics
            XCTAssertGreaterThan(statistics.largestGroup, 1, "concurrent writers shared a commit")
            XCTAssertLessThan(statistics.transactions, statistics.jobs)
            vault.close()
        }
        let reopened = try openVault()
        for writer in 0..<16 {
            for i in 0..<60 {
                XCTAssertEqual(try reopened.get(subject: "w\(writer)-\(i)", field: "phone", tenant: "acme"), "\(writer)/\(i)")
            }
        }
        XCTAssertEqual(try reopened.listTenants(), [TenantSummary(name: "acme", subjects: 960)])
    }

    /// Runs `body(0)` … `body(count - 1)` each on a thread of its own, and returns when all did.
    private func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let finished = DispatchGroup()
        for index in 0..<count {
            finished.enter()
            Thread {
                body(index)
                finished.leave()
            }.start()
        }
        finished.wait()
    }

    func testARefusedWriteInAGroupChangesNothingAndTheOthersCommit() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        let tooBig = String(repeating: "x", count: 16385)
        let refused = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 8) { writer in
            for i in 0..<40 {
                let bad = i % 4 == 0
                do {
                    // A bad SET names a new subject: refused, it must not be created either.
                    try vault.set(subject: bad ? "bad-\(writer)-\(i)" : "ok-\(writer)-\(i)",
                                  pairs: [FieldValue(field: "a", value: "fine"), FieldValue(field: "b", value: bad ? tooBig : "fine")],
                                  tenant: "acme", createSubject: true)
                } catch {
                    refused.add(1, ordering: .relaxed)
                }
            }
        }
        XCTAssertEqual(refused.load(ordering: .relaxed), 80)
        let subjects = try vault.allSubjects(tenant: "acme")
        XCTAssertEqual(subjects.count, 240)
        XCTAssertFalse(subjects.contains { $0.hasPrefix("bad-") })
        XCTAssertEqual(try vault.get(subject: "ok-3-5", field: "b", tenant: "acme"), "fine")
    }

    func testReadsRunBesideWritesAndSeeOnlyCommittedState() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        for s in 0..<50 {
            try vault.set(subject: "s\(s)", pairs: [FieldValue(field: "v", value: "0"), FieldValue(field: "w", value: "0")],
                          tenant: "acme", createSubject: true)
        }
        let stop = Atomic(false)
        let torn = Atomic(0)
        let readErrors = Atomic(0)
        let readers = (0..<4).map { _ in
            Thread {
                while !stop.load(ordering: .relaxed) {
                    do {
                        for s in 0..<50 {
                            // Both fields are always written together: a read never sees them differ.
                            let fields = try vault.export(subject: "s\(s)", tenant: "acme")
                            if fields.count != 2 || fields[0].value != fields[1].value { torn.add(1, ordering: .relaxed) }
                        }
                    } catch {
                        readErrors.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        readers.forEach { $0.start() }
        for round in 1...20 {
            DispatchQueue.concurrentPerform(iterations: 5) { part in
                for s in stride(from: part, to: 50, by: 5) {
                    try? vault.set(subject: "s\(s)", pairs: [FieldValue(field: "v", value: "\(round)"), FieldValue(field: "w", value: "\(round)")],
                                   tenant: "acme", createSubject: false)
                }
            }
        }
        stop.store(true, ordering: .relaxed)
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(torn.load(ordering: .relaxed), 0)
        XCTAssertEqual(readErrors.load(ordering: .relaxed), 0)
        XCTAssertEqual(try vault.get(subject: "s7", field: "w", tenant: "acme"), "20")
    }

    func testAShredIsSeenByEveryReaderAtOnce() throws {
        let vault = try openVault()
        _ = try vault.createTenant("gone")
        for s in 0..<20 { try vault.set(subject: "s\(s)", pairs: [FieldValue(field: "v", value: "x")], tenant: "gone", createSubject: true) }
        // Warm several readers' caches concurrently.
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for s in 0..<20 { _ = try? vault.get(subject: "s\(s)", field: "v", tenant: "gone") }
        }
        try vault.shredTenant("gone")
        let stillReadable = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for s in 0..<20 where (try? vault.get(subject: "s\(s)", field: "v", tenant: "gone")) != nil {
                stillReadable.add(1, ordering: .relaxed)
            }
        }
        XCTAssertEqual(stillReadable.load(ordering: .relaxed), 0)
    }
}
