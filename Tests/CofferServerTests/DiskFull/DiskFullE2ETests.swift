import Foundation
import XCTest
import CofferClient
#if canImport(Glibc)
import Glibc
#endif

/// Disk full under a real `coffer serve` (issue 7, item 5): the data directory is on a small
/// tmpfs, which a filler file then fills to the last byte. Writes must fail with `ERR INTERNAL`
/// (no crash, no hang, the connection stays open), reads go on, nothing acknowledged is lost,
/// and once the filler is deleted writes succeed again without a restart.
final class DiskFullE2ETests: XCTestCase {
    /// A value big enough that every write needs new pages (the default limit is 16384 bytes).
    private static func value(_ label: String) -> String {
        label + ":" + String(repeating: "x", count: 6000)
    }

    private func set(_ client: E2EClient, _ subject: String, _ value: String) throws -> String {
        try client.request(words: ["SET", subject, "note", value])
    }

    /// A server whose data directory is on a tmpfs of its own, with the tenant `acme` created.
    private struct SmallDiskServer {
        let disk: TmpfsMount
        let installation: E2EInstallation
        var server: E2EServeProcess
        let tenantToken: String

        /// A connection authenticated as acme's administrator.
        func admin() throws -> E2EClient {
            let client = try server.connect()
            XCTAssertTrue(try client.auth(tenantToken).hasPrefix("OK "))
            return client
        }

        /// Kills the server if it still runs, then unmounts the disk: for a `defer`.
        func tearDown() {
            if server.child.process.isRunning { server.terminate(signal: SIGKILL) }
            disk.unmount()
        }
    }

    private func startOnASmallDisk(megabytes: Int) throws -> SmallDiskServer {
        let disk = try TmpfsMount(megabytes: megabytes)
        do {
            let installation = try E2EInstallation(config: """
                {"listen": {"host": "127.0.0.1", "port": 0}, "paths": {"data": "\(disk.path)/data"}}
                """)
            let server = try installation.serve()
            do {
                let op = try server.connect()
                try op.auth(try installation.operatorToken())
                let token = try op.createClaimedTenant("acme", connect: server.connect)
                return SmallDiskServer(disk: disk, installation: installation, server: server, tenantToken: token)
            } catch {
                server.terminate(signal: SIGKILL)
                throw error
            }
        } catch {
            disk.unmount()
            throw error
        }
    }

    /// Every acknowledged value reads back exactly, through one pipelined burst of `GET`s.
    private func assertAllPresent(_ acknowledged: [String: String], _ client: E2EClient, _ when: String,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let subjects = acknowledged.keys.sorted()
        try client.send(raw: subjects.map { RequestLine.make(["GET", $0, "note"]) + "\n" }.joined())
        var missing = 0
        for subject in subjects {
            guard let reply = try client.readReply() else { throw E2EFailure("the server closed the connection \(when)") }
            if (try? E2EJSON.parse(okReply: reply)) != .string(acknowledged[subject] ?? "") { missing += 1 }
        }
        XCTAssertEqual(missing, 0, "acknowledged values not read back \(when), of \(subjects.count)", file: file, line: line)
    }

    func testDiskFullFailsWritesWithInternalKeepsReadsAndResumesWhenSpaceReturns() throws {
        // Room for SQLite's WAL to grow to its checkpoint size (1000 pages, 4 MiB) and more.
        var service = try startOnASmallDisk(megabytes: 16)
        defer { service.tearDown() }
        let (disk, installation, token) = (service.disk, service.installation, service.tenantToken)
        let admin = try service.admin()

        var acknowledged: [String: String] = [:]
        for index in 0..<40 {
            let value = Self.value("before-\(index)")
            XCTAssertEqual(try set(admin, "before-\(index)", value), "OK")
            acknowledged["before-\(index)"] = value
        }

        // The disk fills up: writes go on until they fail, every failure is ERR INTERNAL.
        let filler = try DiskFiller(directory: disk.path)
        var failures = 0
        var otherReplies: [String] = []
        for index in 0..<3000 where failures < 20 {
            let value = Self.value("full-\(index)")
            let reply = try set(admin, "full-\(index)", value)
            if reply == "OK" {
                acknowledged["full-\(index)"] = value
            } else if E2EClient.errorCode(reply) == "INTERNAL" {
                failures += 1
            } else {
                otherReplies.append(E2EClient.errorCode(reply) ?? "?")
            }
        }
        XCTAssertEqual(failures, 20, "writes on a full disk must fail with ERR INTERNAL")
        XCTAssertEqual(otherReplies, [], "no other reply than OK or ERR INTERNAL")
        XCTAssertTrue(service.server.child.process.isRunning, "the server must survive a full disk")
        assertReply(try admin.request("PING"), #"OK "PONG""#, "the connection stays open after ERR INTERNAL")
        try assertAllPresent(acknowledged, admin, "while the disk is full")
        XCTAssertEqual(E2EClient.errorCode(try set(admin, "still-full", Self.value("still-full"))), "INTERNAL")

        // Space returns: writes succeed again, on the same connection, without a restart.
        filler.release()
        for index in 0..<20 {
            let value = Self.value("after-\(index)")
            assertReply(try set(admin, "after-\(index)", value), "OK", "SET \(index) after the space returned")
            acknowledged["after-\(index)"] = value
        }
        try assertAllPresent(acknowledged, admin, "after the space returned")

        // And it all survives a kill -9: nothing acknowledged was lost, both databases are sound.
        service.server.terminate(signal: SIGKILL)
        for name in ["keyring.db", "vault.db"] {
            XCTAssertNil(CrashHarness.integrityProblem(disk.path + "/data/" + name), name)
        }
        service.server = try installation.serve()
        let check = try service.server.connect()
        XCTAssertTrue(try check.auth(token).hasPrefix("OK "))
        try assertAllPresent(acknowledged, check, "after a restart")
        XCTAssertEqual(service.server.terminate(), 0)
    }

    /// A server started on a full disk cannot even open its databases (SQLite needs room for the
    /// WAL index): it must say that the disk is full, not only SQLite's "disk I/O error", and
    /// change nothing; with the space back it starts and serves what it had.
    func testAStartOnAFullDiskIsRefusedNamingTheFullDisk() throws {
        var service = try startOnASmallDisk(megabytes: 8)
        defer { service.tearDown() }
        let (disk, installation, token) = (service.disk, service.installation, service.tenantToken)
        XCTAssertEqual(try set(try service.admin(), "alice", "kept"), "OK")
        XCTAssertEqual(service.server.terminate(), 0)
        // The WAL index files are rebuilt by the next open; a stopped server may leave them (when
        // a connection closes without the last checkpoint), and an open that finds them needs no
        // new space, so it may start and serve reads on the full disk. Without them the open
        // must create them: the case where the start is refused.
        for name in ["keyring.db-shm", "vault.db-shm"] { unlink(disk.path + "/data/" + name) }

        let filler = try DiskFiller(directory: disk.path)
        let refused = try installation.serveExpectingRefusal()
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("refusing to start"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("no space left on the disk that holds \(disk.path)/data"), refused.stderr)

        filler.release()
        service.server = try installation.serve()
        let check = try service.server.connect()
        XCTAssertTrue(try check.auth(token).hasPrefix("OK "))
        assertReply(try check.request("GET alice note"), #"OK "kept""#, "the value stored before the disk filled")
        XCTAssertEqual(service.server.terminate(), 0)
    }

    /// Group commit on a disk that fills up: eight writers keep writing while the disk fills
    /// and empties again. A failed group commit must fail every write in it (none acknowledged,
    /// none applied), and no write acknowledged before or after may be lost.
    func testDiskFillingUnderConcurrentWritersFailsWholeGroupsAndLosesNothingAcknowledged() throws {
        var service = try startOnASmallDisk(megabytes: 16)
        defer { service.tearDown() }
        let (disk, installation, token) = (service.disk, service.installation, service.tenantToken)

        let ledger = CrashLedger()
        let stop = CrashStopFlag()
        let writers = DispatchGroup()
        let client = ClientConfiguration(host: "127.0.0.1", port: service.server.port,
                                         trustedCertificatePath: installation.certificatePath, timeoutSeconds: 15)
        for index in 0..<8 {
            let writer = DiskFullWriter(index: index, subjects: 8, tenantToken: token, client: client, ledger: ledger, stop: stop)
            writers.enter()
            Thread { writer.run(); writers.leave() }.start()
        }
        func waitUntil(_ condition: (CrashLedger.State) -> Bool) -> Bool {
            let deadline = Date(timeIntervalSinceNow: 20)
            while Date() < deadline {
                if condition(ledger.snapshot) { return true }
                Thread.sleep(forTimeInterval: 0.01)
            }
            return false
        }
        XCTAssertTrue(waitUntil { $0.acknowledgedWrites >= 50 }, "writes before the disk fills")
        let filler = try DiskFiller(directory: disk.path)
        XCTAssertTrue(waitUntil { $0.refusedWrites >= 50 }, "writes must fail with ERR INTERNAL on a full disk")
        filler.release()
        let acknowledgedAtRelease = ledger.snapshot.acknowledgedWrites
        XCTAssertTrue(waitUntil { $0.acknowledgedWrites >= acknowledgedAtRelease + 100 }, "writes must resume when space returns")
        stop.set()
        XCTAssertEqual(writers.wait(timeout: .now() + 30), .success, "the writers must not hang")
        XCTAssertEqual(ledger.snapshot.problems, [])
        XCTAssertTrue(service.server.child.process.isRunning, "the server must survive a full disk")

        service.server.terminate(signal: SIGKILL)
        for name in ["keyring.db", "vault.db"] {
            XCTAssertNil(CrashHarness.integrityProblem(disk.path + "/data/" + name), name)
        }
        service.server = try installation.serve()
        let check = try service.server.connect()
        XCTAssertTrue(try check.auth(token).hasPrefix("OK "))
        let records = ledger.snapshot.subjects
        let subjects = records.keys.sorted()
        try check.send(raw: subjects.map { RequestLine.make(["EXPORT", $0]) + "\n" }.joined())
        for subject in subjects {
            let reply = try check.readReply() ?? ""
            let observation: CrashSubjectRecord.Observation
            if E2EClient.errorCode(reply) == "NOT_FOUND" {
                observation = .notFound
            } else {
                let fields = try E2EJSON.parse(okReply: reply)["fields"]
                guard case .object(let members)? = fields else { throw E2EFailure("EXPORT answered no fields") }
                observation = .fields(members.compactMapValues(\.stringValue))
            }
            let verdict = records[subject]?.judge(observation)
            XCTAssertTrue(verdict == .acknowledgedPresent || verdict == .inFlightApplied || verdict == .absentNeverAcknowledged,
                          "subject \(subject): \(String(describing: verdict))")
        }
        XCTAssertEqual(service.server.terminate(), 0)
    }

    private func assertReply(_ reply: String, _ expected: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(E2EClient.redacted(reply), expected, message, file: file, line: line)
    }
}
