import Foundation
import CofferClient
import CofferStore
#if canImport(Glibc)
import Glibc
#endif

/// The crash harness (issue 7, item 1): a real `coffer serve`, many writer clients, a `kill -9`
/// of the server at a random moment, a restart, and the checks: every acknowledged write reads
/// back, no write is half applied, rotations never go back, an acknowledged `TENANT SHRED`
/// stays done, and `PRAGMA integrity_check` is `ok` on both databases as the crash left them.
///
/// One installation serves every trial of a run, so later trials work on what earlier crashes
/// left behind. Used from the main test thread only.
final class CrashHarness {
    struct Settings {
        var writers = 8
        var subjectsPerWriter = 16
        /// `SET`s each writer sends at once (1: one at a time).
        var pipeline = 1
        /// How long after the clients start the server is killed (seconds, uniform).
        var killWindow: ClosedRange<Double> = 0.05...0.5
        /// Subjects of the tenant a `tenantShred` trial shreds (more than one purge batch).
        var victimSubjects = 300
    }

    let settings: Settings
    let seed: UInt64
    private(set) var figures = CrashFigures()
    private let installation: E2EInstallation
    private var server: E2EServeProcess
    private let operatorToken: String
    private let tenantToken: String
    private let ledger = CrashLedger()
    private var random: SeededGenerator

    /// Bootstraps a fresh installation and creates the writers' tenant.
    init(seed: UInt64, settings: Settings = Settings()) throws {
        self.seed = seed
        self.settings = settings
        random = SeededGenerator(seed: seed)
        installation = try E2EInstallation()
        server = try installation.serve()
        operatorToken = try installation.operatorToken()
        let op = try Self.connect(server, token: operatorToken)
        let server = self.server
        tenantToken = try op.createClaimedTenant("crash", connect: { try server.connect() })
    }

    /// One trial: start the clients, kill the server, check the files, restart, check the data.
    func runTrial(_ trial: Int, variant: CrashVariant) throws {
        ledger.startTrial()
        let victim = variant == .tenantShred ? try createVictim(trial) : nil
        let stop = CrashStopFlag()
        let clients = DispatchGroup()
        let client = ClientConfiguration(host: "127.0.0.1", port: server.port,
                                         trustedCertificatePath: installation.certificatePath, timeoutSeconds: 15)
        for index in 0..<settings.writers {
            let writer = CrashWriter(index: index, trial: trial, subjectsPerWriter: settings.subjectsPerWriter,
                                     tenantToken: tenantToken, client: client, ledger: ledger, stop: stop,
                                     seed: random.next(), pipeline: settings.pipeline)
            start(clients) { writer.run() }
        }
        let killDelay = random.seconds(settings.killWindow)
        let disturber = CrashDisturber(
            variant: variant, token: variant == .keyRotation || variant == .dataRotation ? tenantToken : operatorToken,
            client: client, ledger: ledger, stop: stop, victim: victim?.name,
            shredDelay: random.seconds(0...killDelay))
        start(clients) { disturber.run() }

        Thread.sleep(forTimeInterval: killDelay)
        guard server.terminate(signal: SIGKILL, timeout: 10) != nil else { throw E2EFailure("the server survived SIGKILL") }
        stop.set()
        if clients.wait(timeout: .now() + 30) == .timedOut {
            figures.failures.append("trial \(trial): client threads still running 30 s after the kill")
        }
        checkIntegrity(trial: trial)
        let shredAcknowledged = ledger.snapshot.shredAcknowledged

        server = try installation.serve()
        do {
            try checkWriters(trial: trial)
            if let victim { try checkVictim(victim, acknowledged: shredAcknowledged, trial: trial) }
        } catch {
            figures.failures.append("trial \(trial) (\(variant)): \(error); server errors: \(serverErrors())")
            throw error
        }
        let state = ledger.snapshot
        figures.failures += state.problems.map { "trial \(trial) (\(variant)): \($0)" }
        figures.acknowledgedWrites = state.acknowledgedWrites
        figures.acknowledgedRotations = state.acknowledgedRotations
        figures.trials += 1
        figures.trialsByVariant[variant, default: 0] += 1
    }

    /// Stops the server cleanly and checks the databases once more.
    func finish() throws {
        let status = server.terminate(signal: SIGTERM, timeout: 30)
        if status != 0 { figures.failures.append("coffer serve exited with \(String(describing: status)) after SIGTERM") }
        for name in ["keyring.db", "vault.db"] {
            figures.integrityChecks += 1
            if let problem = Self.integrityProblem(installation.dataDirectory + "/" + name) {
                figures.integrityFailures += 1
                figures.failures.append("after the clean stop, \(name): \(problem)")
            }
        }
    }

    // MARK: Clients

    private func start(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.start()
    }

    private static func connect(_ server: E2EServeProcess, token: String) throws -> E2EClient {
        let client = try server.connect()
        let reply = try client.auth(token)
        guard reply.hasPrefix("OK ") else { throw E2EFailure("AUTH was refused: \(E2EClient.redacted(reply))") }
        return client
    }

    // MARK: Checks

    /// The restarted server's error lines (the log never holds a value, subject or token).
    private func serverErrors() -> [String] {
        server.child.standardError.split(separator: "\n").filter { $0.contains(" error ") }.map(String.init)
    }

    /// `PRAGMA integrity_check` and `foreign_key_check` on copies of both databases and their
    /// WALs as the kill left them (copies, so that the restarted server recovers the WAL itself).
    private func checkIntegrity(trial: Int) {
        let copies = NSTemporaryDirectory() + "coffer-crash-copy-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: copies) }
        do {
            try FileManager.default.createDirectory(atPath: copies, withIntermediateDirectories: true)
        } catch {
            figures.failures.append("trial \(trial): cannot create \(copies)")
            return
        }
        for name in ["keyring.db", "vault.db"] {
            figures.integrityChecks += 1
            for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: installation.dataDirectory + "/" + name + suffix) {
                try? FileManager.default.copyItem(atPath: installation.dataDirectory + "/" + name + suffix,
                                                  toPath: copies + "/" + name + suffix)
            }
            if let problem = Self.integrityProblem(copies + "/" + name) {
                figures.integrityFailures += 1
                figures.failures.append("trial \(trial), \(name) after the kill: \(problem)")
            }
        }
    }

    /// Nil when the database at `path` passes `integrity_check` and `foreign_key_check`.
    static func integrityProblem(_ path: String) -> String? {
        do {
            let database = try CofferStoreTestAccess.database(path)
            let lines = try database.integrityCheck()
            guard lines == ["ok"] else { return "integrity_check: \(lines.prefix(5).joined(separator: "; "))" }
            let orphans = try database.rows("PRAGMA foreign_key_check")
            guard orphans.isEmpty else { return "foreign_key_check: \(orphans.count) rows" }
            return nil
        } catch {
            return "cannot check: \(error)"
        }
    }

    /// Reads back every subject a writer ever wrote, with one pipelined burst of `EXPORT`s.
    private func checkWriters(trial: Int) throws {
        let records = ledger.snapshot.subjects
        let subjects = records.keys.sorted()
        guard !subjects.isEmpty else { return }
        let check = try Self.connect(server, token: tenantToken)
        defer { check.close() }
        try check.send(raw: subjects.map { RequestLine.make(["EXPORT", $0]) + "\n" }.joined())
        var settled = records
        for subject in subjects {
            guard let reply = try check.readReply() else { throw E2EFailure("the server closed the check connection") }
            let observation: CrashSubjectRecord.Observation
            if E2EClient.errorCode(reply) == "NOT_FOUND" {
                observation = .notFound
            } else if reply.hasPrefix("OK "), case .object(let members)? = try E2EJSON.parse(okReply: reply)["fields"] {
                observation = .fields(members.compactMapValues(\.stringValue))
            } else {
                figures.failures.append("trial \(trial): EXPORT \(subject) answered \(E2EClient.errorCode(reply) ?? "an unexpected value") "
                                        + "after the restart; server errors: \(serverErrors())")
                continue
            }
            let record = records[subject] ?? CrashSubjectRecord()
            let verdict = record.judge(observation)
            figures.verdicts[verdict, default: 0] += 1
            if verdict == .lost || verdict == .torn {
                figures.failures.append("trial \(trial): subject \(subject) is \(verdict) after the restart")
            }
            settled[subject] = record.settled(by: observation)
        }
        ledger.settle(settled)
    }

    /// The other tenant of a `tenantShred` trial: its name, token and values.
    struct Victim {
        let name: String
        let token: String
        let subjects: Int
        func value(_ index: Int) -> String { "\(name)-value-\(index)" }
    }

    private func createVictim(_ trial: Int) throws -> Victim {
        let name = "victim-\(trial)"
        let op = try Self.connect(server, token: operatorToken)
        defer { op.close() }
        let server = self.server
        let token = try op.createClaimedTenant(name, connect: { try server.connect() })
        let victim = Victim(name: name, token: token, subjects: settings.victimSubjects)
        let admin = try Self.connect(server, token: token)
        defer { admin.close() }
        try admin.send(raw: (0..<victim.subjects).map { RequestLine.make(["SET", "v\($0)", "a", victim.value($0)]) + "\n" }.joined())
        for index in 0..<victim.subjects where try admin.readReply() != "OK" {
            throw E2EFailure("loading the victim tenant: SET v\(index) was not acknowledged")
        }
        return victim
    }

    /// After the restart, the victim is gone (its `TENANT SHRED` was acknowledged, or applied
    /// without an answer) or entirely there: listed, its token valid, every value readable.
    private func checkVictim(_ victim: Victim, acknowledged: Bool, trial: Int) throws {
        let op = try Self.connect(server, token: operatorToken)
        defer { op.close() }
        let listed = (try E2EJSON.parse(okReply: try op.request("TENANT LIST")).arrayValue ?? [])
            .contains { $0["tenant"]?.stringValue == victim.name }
        let admin = try server.connect()
        defer { admin.close() }
        let authReply = try admin.auth(victim.token)
        let authenticated = authReply.hasPrefix("OK ")
        if acknowledged {
            figures.shredsAcknowledged += 1
            if listed || authenticated || E2EClient.errorCode(authReply) != "AUTH_FAILED" {
                figures.failures.append("trial \(trial): an acknowledged TENANT SHRED was undone by the crash")
            }
            return
        }
        if !listed && E2EClient.errorCode(authReply) == "AUTH_FAILED" {
            figures.unacknowledgedShredsApplied += 1
            return
        }
        guard listed && authenticated else {
            figures.failures.append("trial \(trial): the victim tenant is half shredded (listed: \(listed), token valid: \(authenticated))")
            return
        }
        figures.unacknowledgedShredsNotApplied += 1
        try admin.send(raw: (0..<victim.subjects).map { RequestLine.make(["GET", "v\($0)", "a"]) + "\n" }.joined())
        var unreadable = 0
        for index in 0..<victim.subjects {
            guard let reply = try admin.readReply() else { throw E2EFailure("the server closed the victim's connection") }
            if (try? E2EJSON.parse(okReply: reply)) != .string(victim.value(index)) { unreadable += 1 }
        }
        if unreadable > 0 {
            figures.failures.append("trial \(trial): the unshredded victim tenant lost \(unreadable) of \(victim.subjects) values")
        }
        // Tidy up, so that victims do not pile up over a long run.
        let reply = try op.request(words: ["TENANT", "SHRED", victim.name])
        if !reply.hasPrefix("OK ") { figures.failures.append("trial \(trial): TENANT SHRED after the check answered \(E2EClient.errorCode(reply) ?? "?")") }
    }
}
