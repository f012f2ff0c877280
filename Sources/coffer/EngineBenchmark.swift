import CofferStore
import Foundation
import Synchronization

/// `coffer bench engine`: the vault engine measured directly, with no network in the way.
///
/// Every figure is printed beside a baseline from the same run: plain SQLite doing the same
/// durable single-row write or primary-key read without any encryption, so the ratio shows
/// what encryption, keyed lookups and key handling cost on this machine today.
enum EngineBenchmark {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let parsed: CommandLineArguments
        do { parsed = try CommandLineArguments(arguments, valued: ["--dir", "--fields", "--shred-sizes"], flags: ["--help"]) } catch {
            return Output.usageError(error.description, help: HelpText.bench)
        }
        if parsed.flags.contains("--help") { Output.out(HelpText.bench); return 0 }
        let fields: Int
        let shredSizes: [Int]
        do {
            fields = try parsed.integer("--fields") ?? 100_000
            shredSizes = try (parsed.options["--shred-sizes"] ?? "1000,10000,100000").split(separator: ",").map { (part) throws(CommandLineArguments.UsageError) -> Int in
                guard let size = Int(part), size > 0 else { throw .init(description: "--shred-sizes takes positive whole numbers") }
                return size
            }
        } catch {
            return Output.usageError(error.description, help: HelpText.bench)
        }
        let directory = parsed.options["--dir"] ?? NSTemporaryDirectory() + "coffer-bench-\(UUID().uuidString)"
        defer { if parsed.options["--dir"] == nil { try? FileManager.default.removeItem(atPath: directory) } }
        do {
            try measure(directory: directory, fields: fields, shredSizes: shredSizes)
            return 0
        } catch {
            Output.err("coffer bench engine: \(error)")
            return 1
        }
    }

    private static func measure(directory: String, fields: Int, shredSizes: [Int]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let vault = try Vault(configuration: VaultConfiguration(dataDirectory: directory + "/data", masterKeyPath: directory + "/master.key"))
        _ = try vault.createTenant("bench")
        let subjects = max(1, fields / 10)
        let value: @Sendable (Int) -> String = { i in "+49 30 \(String(format: "%08d", i)) ext. \(i % 97)" }

        Output.out("coffer bench engine — \(fields) fields (\(subjects) subjects × 10), durable writes (synchronous=FULL)")
        Output.out("directory: \(directory)")

        let baseline = try SQLiteBaseline(path: directory + "/baseline.db")
        let baselineWrites = min(fields, 20_000)
        let baselineSet = try rate(baselineWrites) { i in try baseline.write(key: i, value: Array(value(i).utf8)) }

        // One field per SET: one transaction, one fsync each.
        let singleSets = min(fields, 20_000)
        let setRate = try rate(singleSets) { i in
            try vault.set(subject: "user\(i % subjects)@example.com", pairs: [FieldValue(field: "phone", value: value(i))], tenant: "bench", createSubject: true)
        }
        // Ten fields per SET fill the rest of the data set: the shape of a profile update.
        let names: [String] = ["phone", "email", "address.street", "address.city", "address.zip", "name.given", "name.family", "birthdate", "locale", "note"]
        let batchedRate = try rate(subjects) { s in
            let pairs = names.map { FieldValue(field: $0, value: value(s * 10 + $0.utf8.count)) }
            try vault.set(subject: "user\(s)@example.com", pairs: pairs, tenant: "bench", createSubject: true)
        } * 10

        let reads = min(fields, 100_000)
        var generator = SystemRandomNumberGenerator()
        let getRate = try rate(reads) { _ in
            let s = Int.random(in: 0..<subjects, using: &generator)
            _ = try vault.get(subject: "user\(s)@example.com", field: names[s % names.count], tenant: "bench")
        }
        let baselineGet = try rate(reads) { _ in _ = try baseline.read(key: Int.random(in: 0..<baselineWrites, using: &generator)) }

        // Many writers at once: group commit shares one transaction and one fsync among them.
        let writers = 16
        let concurrentSets = min(fields, 32_000)
        let before = vault.writeStatistics
        let concurrentSetRate = try concurrentRate(threads: writers, total: concurrentSets) { i in
            try vault.set(subject: "user\(i % subjects)@example.com", pairs: [FieldValue(field: "phone", value: value(i))], tenant: "bench", createSubject: true)
        }
        let after = vault.writeStatistics
        let perCommit = Double(after.jobs - before.jobs) / Double(max(1, after.transactions - before.transactions))
        // One thread pipelining: writes started in windows of 256 before the first is waited for,
        // as a server connection does with the lines a client pipelined (`Vault.startSet`).
        let window = 256
        let pipelinedSetRate = try rate(concurrentSets / window) { w in
            let pending = (0..<window).map { k in
                let i = w * window + k
                return vault.startSet(subject: "user\(i % subjects)@example.com", pairs: [FieldValue(field: "phone", value: value(i))],
                                      tenant: "bench", createSubject: true)
            }
            for write in pending { try write.wait() }
        } * Double(window)
        let concurrentGetRate = try concurrentRate(threads: 4, total: reads) { i in
            _ = try vault.get(subject: "user\((i &* 7919) % subjects)@example.com", field: "phone", tenant: "bench")
        }

        // What the server does: every command carries its audit record (a change in the same
        // transaction; a read's is queued for the next group commit).
        let admin = Principal.tenant("bench")
        let auditedSets = min(fields, 5_000)
        let auditedSetRate = try rate(auditedSets) { i in
            let subject = "user\(i % subjects)@example.com"
            try vault.set(subject: subject, pairs: [FieldValue(field: "phone", value: value(i))], tenant: "bench", createSubject: true,
                          audit: AuditEvent(actor: admin, action: "SET", subject: subject, fields: ["phone"]))
        }
        let auditedGetRate = try rate(min(reads, 5_000)) { _ in
            let s = Int.random(in: 0..<subjects, using: &generator)
            let subject = "user\(s)@example.com"
            _ = try vault.get(subject: subject, field: names[s % names.count], tenant: "bench")
            vault.recordAudit(AuditEvent(actor: admin, action: "GET", subject: subject, fields: [names[s % names.count]]))
        }

        Output.out("")
        Output.out(row("operation", "ops/s", "baseline ops/s", "ratio"))
        Output.out(row("SET 1 field (1 txn + fsync)", setRate, baselineSet, setRate / baselineSet))
        Output.out(row("SET 10 fields (per field)", batchedRate, baselineSet, batchedRate / baselineSet))
        Output.out(row("GET (random subject)", getRate, baselineGet, getRate / baselineGet))
        Output.out(row("SET 1 field, \(writers) writer threads", concurrentSetRate, baselineSet, concurrentSetRate / baselineSet))
        Output.out(row("GET, 4 reader threads", concurrentGetRate, baselineGet, concurrentGetRate / baselineGet))
        Output.out(String(format: "group commit: %.1f writes per transaction on average, largest group %d", perCommit, after.largestGroup))
        Output.out(row("SET 1 field, \(window) in flight", pipelinedSetRate, baselineSet, pipelinedSetRate / baselineSet))
        Output.out(row("SET 1 field + audit record", auditedSetRate, baselineSet, auditedSetRate / baselineSet))
        Output.out(row("GET + queued audit record", auditedGetRate, baselineGet, auditedGetRate / baselineGet))
        Output.out("baseline: plain SQLite, same file settings, INSERT OR REPLACE of the clear value / SELECT by key")
        Output.out("(audited rows are compared with the baseline's durable write)")

        Output.out("")
        Output.out("tenant shred (keys destroyed; rows purged afterwards in the background)")
        Output.out(row("fields in tenant", "shred ms", "purge ms", ""))
        for size in shredSizes {
            let name = "shred-\(size)"
            _ = try vault.createTenant(name)
            let perSubject = 100
            for s in 0..<max(1, size / perSubject) {
                let pairs = (0..<min(perSubject, size)).map { FieldValue(field: "f\($0)", value: value(s * perSubject + $0)) }
                try vault.set(subject: "s\(s)", pairs: pairs, tenant: TenantRef(name), createSubject: true)
            }
            // Flush the bulk load first: otherwise the shred's fsyncs also pay for writing back
            // the data just loaded, which is the file system's cost, not the shred's.
            sync()
            let shred = try seconds { try vault.shredTenant(TenantRef(name)) }
            let purge = seconds { vault.waitForPurge() }
            Output.out(row("\(size)", shred * 1000, purge * 1000, nil))
        }
    }

    private static func rate(_ count: Int, _ body: (Int) throws -> Void) throws -> Double {
        let elapsed = try seconds { for i in 0..<count { try body(i) } }
        return Double(count) / elapsed
    }

    /// `total` operations spread over `threads` threads; operations per second overall.
    private static func concurrentRate(threads: Int, total: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws -> Double {
        // Real threads: concurrentPerform would run only as many at once as there are cores,
        // and a connection-per-thread server has many more writers waiting at once.
        let failures = Atomic(0)
        let finished = DispatchSemaphore(value: 0)
        let elapsed = seconds {
            for thread in 0..<threads {
                Thread {
                    for i in stride(from: thread, to: total, by: threads) {
                        do { try body(i) } catch { failures.add(1, ordering: .relaxed) }
                    }
                    finished.signal()
                }.start()
            }
            for _ in 0..<threads { finished.wait() }
        }
        guard failures.load(ordering: .relaxed) == 0 else { throw BenchmarkFailure(failures: failures.load(ordering: .relaxed)) }
        return Double(total) / elapsed
    }

    struct BenchmarkFailure: Error, CustomStringConvertible {
        let failures: Int
        var description: String { "\(failures) operations failed" }
    }

    private static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func row(_ label: String, _ a: Any?, _ b: Any?, _ c: Any?) -> String {
        func cell(_ value: Any?) -> String {
            switch value {
            case let number as Double: return String(format: "%.1f", number)
            case let text as String: return text
            default: return ""
            }
        }
        return label.padding(toLength: 32, withPad: " ", startingAt: 0) + [a, b, c].map { cell($0).leftPadded(16) }.joined()
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
