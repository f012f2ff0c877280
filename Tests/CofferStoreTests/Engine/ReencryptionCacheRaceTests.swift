import XCTest
import Foundation
import Synchronization
@testable import CofferStore

/// Regression test for a stale data-key cache during re-encryption (found by the crash harness):
/// a reader whose snapshot predated a re-keying commit put the old keys back in the cache, so
/// reads failed and a later SET sealed its value under a deleted key version.
final class ReencryptionCacheRaceTests: VaultTestCase {
    func testReadsAndWritesDuringReencryptionNeverFailAndLoseNothing() throws {
        var configuration = self.configuration!
        configuration.reencryptionPauseMilliseconds = 0
        self.configuration = configuration
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        for i in 0..<64 { try vault.set(subject: "s\(i)", pairs: [FieldValue(field: "a", value: "v\(i)")], tenant: "acme", createSubject: true) }
        let failures = Atomic<Int>(0)
        let stop = Atomic<Bool>(false)
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread {
                while !stop.load(ordering: .relaxed) {
                    for i in 0..<64 {
                        do { _ = try vault.get(subject: "s\(i)", field: "a", tenant: "acme") } catch { failures.add(1, ordering: .relaxed) }
                    }
                }
                group.leave()
            }.start()
        }
        let latest = Mutex<[Int: String]>([:])
        group.enter()
        Thread {
            var n = 0
            while !stop.load(ordering: .relaxed) {
                n += 1
                let i = n % 64
                do {
                    try vault.set(subject: "s\(i)", pairs: [FieldValue(field: "a", value: "w\(n)")], tenant: "acme", createSubject: true)
                    latest.withLock { $0[i] = "w\(n)" }
                } catch { failures.add(1000000, ordering: .relaxed) }
            }
            group.leave()
        }.start()
        for _ in 0..<30 {
            _ = try vault.startReencryption(tenant: "acme")
            var spins = 0
            while try vault.reencryptionStatus(tenant: "acme").state == .running, spins < 200 { usleep(1000); spins += 1 }
        }
        stop.store(true, ordering: .relaxed)
        group.wait()
        var afterwards = 0
        for i in 0..<64 { do { _ = try vault.get(subject: "s\(i)", field: "a", tenant: "acme") } catch { afterwards += 1 } }
        XCTAssertEqual(failures.load(ordering: .relaxed), 0, "reads or writes failed during re-encryption")
        XCTAssertEqual(afterwards, 0, "subjects unreadable after re-encryption, same process")
        vault.close()
        let reopened = try openVault()
        var lost = 0
        for (i, v) in latest.withLock({ $0 }) {
            if (try? reopened.get(subject: "s\(i)", field: "a", tenant: "acme")) != v { lost += 1 }
        }
        XCTAssertEqual(lost, 0, "acknowledged SET values unreadable after reopening")
        reopened.close()
    }
}
