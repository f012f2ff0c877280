import Foundation
import XCTest
import CofferClient

/// CONTRACT.md §7: `coffer serve` as an operator runs it — the `listening on` line, clean exit
/// on SIGTERM and SIGINT, and no acknowledged write lost to `kill -9`.
final class ServeExecutableE2ETests: E2ETestCase {
    func testServePrintsListeningOnWithTheRealPortAndExitsZeroOnSIGTERM() throws {
        let installation = try E2EInstallation()
        let server = try installation.serve()
        XCTAssertTrue(server.child.standardError.contains("listening on 127.0.0.1:\(server.port)"))
        XCTAssertGreaterThan(server.port, 0)
        let client = try server.connect()
        assertReply(try client.request("PING"), #"OK "PONG""#)
        XCTAssertEqual(server.terminate(signal: SIGTERM), 0, "SIGTERM with an idle connection open")
        XCTAssertFalse(server.child.endedBySignal)
    }

    func testServeExitsZeroOnSIGINT() throws {
        let installation = try E2EInstallation()
        let server = try installation.serve()
        XCTAssertEqual(server.terminate(signal: SIGINT), 0)
    }

    func testServeWithoutConfigReadsConfigCofferJsonUnderTheWorkingDirectory() throws {
        let installation = try E2EInstallation()
        try FileManager.default.createDirectory(atPath: installation.root + "/Config", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: installation.configPath, toPath: installation.root + "/Config/coffer.json")
        let child = try E2EProcess(try E2EExecutable.path(), ["serve"], directory: installation.root)
        XCTAssertTrue(child.waitForStandardError(containing: "listening on 127.0.0.1:", timeout: 20), child.standardError)
        child.send(signal: SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 15), 0)
        // Relative paths resolve against the config file's directory: ../keys from Config/ is <root>/keys.
        XCTAssertTrue(FileManager.default.fileExists(atPath: installation.operatorTokenPath))
    }

    func testAcknowledgedWritesSurviveKillNine() throws {
        let installation = try E2EInstallation()
        let first = try installation.serve()
        let op = try first.connect()
        assertObject(try op.auth(installation.operatorToken()), ["role": "operator"])
        let adminToken = try op.createClaimedTenant("acme", connect: first.connect)
        let admin = try first.connect()
        _ = try admin.auth(adminToken)
        let goneToken = try op.createClaimedTenant("gone", connect: first.connect)
        assertValue(try op.request("TENANT SHRED gone"), ["tenant": "gone", "shredded": true])
        let count = 40
        for index in 0..<count {
            assertReply(try admin.request(words: ["SET", "subject-\(index % 8)", "field\(index)", "value \(index) ✓"]), "OK")
        }
        assertReply(try admin.request("POLICY SET subject_self_edit on"), "OK")
        let subjectToken = try issueToken("subject-3", by: admin)
        assertValue(try admin.request("SUBJECT SHRED subject-7"), ["subject": "subject-7", "shredded": true])

        first.child.send(signal: SIGKILL)
        XCTAssertNotEqual(first.child.waitForExit(timeout: 10), 0)
        XCTAssertTrue(first.child.endedBySignal, "the server was killed, not stopped")

        let second = try installation.serve()
        defer { _ = second.terminate() }
        let reader = try second.connect()
        assertValue(try reader.auth(adminToken), ["role": "tenant", "tenant": "acme"], "the admin token survived")
        for index in 0..<count where index % 8 != 7 {
            assertValue(try reader.request("GET subject-\(index % 8) field\(index)"), .string("value \(index) ✓"), "field\(index)")
        }
        assertError(try reader.request("EXPORT subject-7"), "NOT_FOUND", "the shred survived too")
        assertValue(try reader.request("POLICY GET"), ["subject_self_edit": true])
        let subject = try second.connect()
        assertValue(try subject.auth(subjectToken), ["role": "subject", "tenant": "acme", "subject": "subject-3"])
        let operatorAgain = try second.connect()
        assertObject(try operatorAgain.auth(installation.operatorToken()), ["role": "operator"])
        assertValue(try operatorAgain.request("TENANT LIST"), [["tenant": "acme", "subjects": 7]], "the shredded tenant stays gone")
        let gone = try second.connect()
        assertError(try gone.auth(goneToken), "AUTH_FAILED", "the shredded tenant's token stays dead")
    }

    func testPipelinedWritesAcknowledgedBeforeSIGTERMAreKept() throws {
        let installation = try E2EInstallation()
        let first = try installation.serve()
        let op = try first.connect()
        _ = try op.auth(installation.operatorToken())
        let adminToken = try op.createClaimedTenant("acme", connect: first.connect)
        op.close()
        let admin = try first.connect()
        _ = try admin.auth(adminToken)
        try admin.send(raw: (0..<200).map { "SET alice f\($0) \"v\($0)\"\n" }.joined())
        first.child.send(signal: SIGTERM)
        var acknowledged = 0
        while let reply = try? admin.readReply(), reply == "OK" { acknowledged += 1 }
        XCTAssertEqual(first.child.waitForExit(timeout: 15), 0)

        let second = try installation.serve()
        defer { _ = second.terminate() }
        let reader = try second.connect()
        _ = try reader.auth(adminToken)
        for index in 0..<acknowledged {
            assertValue(try reader.request("GET alice f\(index)"), .string("v\(index)"), "f\(index) of \(acknowledged) acknowledged")
        }
    }

    func testWritesAcknowledgedToConcurrentClientsSurviveKillNineMidStream() throws {
        let installation = try E2EInstallation()
        let first = try installation.serve()
        let op = try first.connect()
        _ = try op.auth(installation.operatorToken())
        let adminToken = try op.createClaimedTenant("acme", connect: first.connect)
        op.close()
        let configuration = ClientConfiguration(host: "127.0.0.1", port: first.port,
                                                trustedCertificatePath: installation.certificatePath, timeoutSeconds: 10)
        let clients = 3
        let writes = 400
        let acknowledged = AcknowledgedCounts(clients: clients)
        let started = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for client in 0..<clients {
            DispatchQueue.global().async(group: group) {
                guard let connection = try? CofferConnection(configuration: configuration),
                      (try? connection.request("AUTH " + adminToken))?.hasPrefix("OK ") == true else {
                    started.signal()
                    return
                }
                defer { connection.close() }
                started.signal()
                // Bursts of 20 pipelined writes; replies come in request order, so the OKs seen
                // so far acknowledge exactly writes 0..<count.
                var next = 0
                while next < writes {
                    let burst = (next..<min(next + 20, writes)).map { "SET writer\(client) f\($0) \"w\(client)-\($0)\"\n" }
                    guard (try? connection.send(raw: Array(burst.joined().utf8))) != nil else { return }
                    for _ in burst {
                        guard let reply = try? connection.readReplyLine(), reply == "OK" else { return }
                        acknowledged.increment(client)
                    }
                    next += burst.count
                }
            }
        }
        for _ in 0..<clients { started.wait() }
        Thread.sleep(forTimeInterval: 0.05)
        first.child.send(signal: SIGKILL)
        XCTAssertEqual(group.wait(timeout: .now() + 20), .success, "the clients notice the dead server")
        _ = first.child.waitForExit(timeout: 10)

        let second = try installation.serve()
        defer { _ = second.terminate() }
        let reader = try second.connect()
        _ = try reader.auth(adminToken)
        for client in 0..<clients {
            let count = acknowledged.count(client)
            for index in 0..<count {
                let reply = try reader.request("GET writer\(client) f\(index)")
                if reply != "OK \"w\(client)-\(index)\"" {
                    XCTFail("writer\(client) f\(index) was acknowledged (\(count) of \(writes)) but is lost: \(reply)")
                    break
                }
            }
        }
    }
}

/// How many writes each client saw acknowledged, updated from the clients' threads.
// @unchecked Sendable: `counts` is only touched while holding `lock`.
private final class AcknowledgedCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int]

    init(clients: Int) { counts = Array(repeating: 0, count: clients) }

    func increment(_ client: Int) { lock.lock(); counts[client] += 1; lock.unlock() }

    func count(_ client: Int) -> Int { lock.lock(); defer { lock.unlock() }; return counts[client] }
}
