import CofferClient
import CofferServer
import CofferStore
import Foundation
import Synchronization

/// `coffer bench growth`: how the server's costs grow with what it stores (issue 6, item 4).
///
/// For each size, a fresh in-process server (over TLS on loopback, as any client sees it) is
/// loaded with that many fields, then measured: the latency of one client's GETs, the
/// throughput of 16 clients' SETs, the server process's memory, and the memory one more idle,
/// authenticated connection costs.
enum GrowthBenchmark {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let sizes: [Int]
        do {
            let parsed = try CommandLineArguments(arguments, valued: ["--sizes"], flags: ["--help"])
            if parsed.flags.contains("--help") { Output.out(HelpText.bench); return 0 }
            sizes = try (parsed.options["--sizes"] ?? "10000,100000,1000000").split(separator: ",").map { (part) throws(CommandLineArguments.UsageError) -> Int in
                guard let size = Int(part), size >= 100 else { throw .init(description: "--sizes takes whole numbers of at least 100") }
                return size
            }
        } catch {
            return Output.usageError(error.description, help: HelpText.bench)
        }
        Output.out("coffer bench growth — one server per size, TLS on loopback, every command audited")
        Output.out("fields".padding(toLength: 12, withPad: " ", startingAt: 0)
                   + ["GET p50 µs", "GET p99 µs", "SET/s 16 cl.", "server MiB", "KiB/idle conn"].map { $0.leftPadded(15) }.joined())
        for size in sizes {
            do {
                let row = try measure(fields: size)
                Output.out(String(size).padding(toLength: 12, withPad: " ", startingAt: 0)
                           + [String(format: "%.0f", row.getP50), String(format: "%.0f", row.getP99), String(format: "%.0f", row.setRate),
                              String(format: "%.0f", row.serverMiB), String(format: "%.0f", row.idleConnectionKiB)].map { $0.leftPadded(15) }.joined())
            } catch {
                Output.err("coffer bench growth: \(error)")
                return 1
            }
        }
        return 0
    }

    private struct Row { let getP50, getP99, setRate, serverMiB, idleConnectionKiB: Double }

    private static func measure(fields: Int) throws -> Row {
        let server = try NetworkBenchmarkServer(connections: 300)
        defer { server.stop() }
        let vault = server.vault
        _ = try vault.createTenant("growth")
        let token = try vault.claimTenant("growth")
        _ = try vault.authenticate(digest: try vault.tokenDigest(Array(token.utf8)))  // a claimed token is pending until used
        // Load through the engine directly (10 fields per subject): loading is not what is measured.
        let subjects = max(1, fields / 10)
        for s in 0..<subjects {
            let pairs = (0..<10).map { FieldValue(field: "f\($0)", value: "+49 30 \(s * 10 + $0) \(String(repeating: "x", count: 20 + (s % 60)))") }
            try vault.set(subject: "user\(s)@example.com", pairs: pairs, tenant: "growth", createSubject: true)
        }
        let client = try server.target.connect()
        defer { client.close() }
        guard try client.request("AUTH " + token).hasPrefix("OK") else { throw NetworkBenchmarkError.server("AUTH failed") }

        var latencies = NetworkBenchmarkHistogram()
        for i in 0..<3000 {
            let subject = (i &* 7919) % subjects
            let start = DispatchTime.now().uptimeNanoseconds
            let reply = try client.request("GET user\(subject)@example.com f\(i % 10)")
            latencies.record(DispatchTime.now().uptimeNanoseconds - start)
            guard reply.hasPrefix("OK") else { throw NetworkBenchmarkError.server("GET answered \(reply.prefix(40))") }
        }

        let writers = 16, perWriter = 200
        let failures = Atomic(0)
        let finished = DispatchSemaphore(value: 0)
        let target = server.target
        let start = DispatchTime.now().uptimeNanoseconds
        for w in 0..<writers {
            Thread {
                do {
                    let connection = try target.connect()
                    defer { connection.close() }
                    guard try connection.request("AUTH " + token).hasPrefix("OK") else { throw NetworkBenchmarkError.server("AUTH failed") }
                    for i in 0..<perWriter where !(try connection.request("SET user\((w * perWriter + i) % subjects)@example.com f0 v\(i)").hasPrefix("OK")) {
                        failures.add(1, ordering: .relaxed)
                    }
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
                finished.signal()
            }.start()
        }
        for _ in 0..<writers { finished.wait() }
        let setRate = Double(writers * perWriter) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        guard failures.load(ordering: .relaxed) == 0 else { throw NetworkBenchmarkError.server("\(failures.load(ordering: .relaxed)) SETs failed") }

        let serverBytes = residentBytes()
        var idle: [CofferConnection] = []
        for _ in 0..<200 {
            let connection = try target.connect()
            _ = try connection.request("AUTH " + token)
            idle.append(connection)
        }
        Thread.sleep(forTimeInterval: 0.5)
        let perConnection = Double(max(0, residentBytes() - serverBytes)) / Double(idle.count)
        idle.forEach { $0.close() }
        // Client and server share this process: the figure includes the client's half of each
        // connection, an upper bound for the server's.
        return Row(getP50: Double(latencies.percentile(0.5)) / 1000, getP99: Double(latencies.percentile(0.99)) / 1000,
                   setRate: setRate, serverMiB: Double(serverBytes) / 1_048_576, idleConnectionKiB: perConnection / 1024)
    }

    /// VmRSS of this process, from /proc.
    private static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
