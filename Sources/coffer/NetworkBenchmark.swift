import CofferClient
import CofferCrypto
import CofferServer
import Foundation

/// `coffer bench net`: the whole server measured over TLS, in the spirit of `redis-benchmark`.
///
/// It creates a fresh tenant with the operator token, loads the directory-like data set
/// (subjects with phone, e-mail and address), then lets N clients, each keeping P requests in
/// flight, send R operations drawn from the mix, and reports operations per second and latency
/// percentiles per operation. The tenant is shredded at the end unless `--keep` is given.
enum NetworkBenchmark {
    /// Clients load the data set with at least this pipeline depth, whatever `--pipeline` says:
    /// loading is preparation, not measurement, and 100,000 round trips one at a time would
    /// take longer than the measured phase.
    static let minimumLoadPipeline = 32

    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let parsed: CommandLineArguments
        let options: NetworkBenchmarkOptions
        do {
            parsed = try CommandLineArguments(arguments, valued: NetworkBenchmarkOptions.valued, flags: NetworkBenchmarkOptions.flags)
            if parsed.flags.contains("--help") { Output.out(HelpText.benchNet); return 0 }
            options = try NetworkBenchmarkOptions(parsed)
        } catch {
            return Output.usageError(error.description, help: HelpText.benchNet)
        }
        var server: NetworkBenchmarkServer?
        defer { server?.stop() }
        let target: NetworkBenchmarkTarget
        do {
            if options.startServer {
                let started = try NetworkBenchmarkServer(connections: options.clients)
                server = started
                target = started.target
            } else {
                let client = try ClientOptions(parsed)
                guard let tokenFile = client.tokenFile else { return Output.usageError("bench net needs --token-file", help: HelpText.benchNet) }
                target = NetworkBenchmarkTarget(configuration: client.configuration,
                                                operatorTokenPath: ServerConfiguration.resolve(tokenFile, against: ClientOptions.workingDirectory))
            }
        } catch let error as CommandLineArguments.UsageError {
            return Output.usageError(error.description, help: HelpText.benchNet)
        } catch {
            Output.err("coffer bench net: \(error)")
            return 1
        }
        do {
            let report = try measure(options, target: target) { Output.err($0) }
            Output.out(options.json ? report.json : report.text)
            return report.isClean ? 0 : 1
        } catch {
            Output.err("coffer bench net: \(error)")
            return 1
        }
    }

    /// Runs the benchmark against `target`; `progress` receives a line at each step.
    static func measure(_ options: NetworkBenchmarkOptions, target: NetworkBenchmarkTarget,
                        progress: (String) -> Void = { _ in }) throws(NetworkBenchmarkError) -> NetworkBenchmarkReport {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let tenant = "bench-" + String(repeating: "0", count: 8 - suffix.count) + suffix
        let token = try createTenant(tenant, target: target)
        var shredded = false
        do throws(NetworkBenchmarkError) {
            let dataSet = options.dataSet
            let loadPipeline = max(options.pipeline, minimumLoadPipeline)
            progress("loading \(options.subjects) subjects into tenant \(tenant)")
            let load = try NetworkBenchmarkClients.run(
                NetworkBenchmarkWorkload.split(options.subjects, over: options.clients).map { .load(subjects: $0) },
                dataSet: dataSet, pipeline: loadPipeline, target: target, token: token)

            progress("running \(options.requests) requests: \(options.clients) clients × pipeline \(options.pipeline)")
            let seed = UInt64.random(in: 0...UInt64.max)
            let workloads = NetworkBenchmarkWorkload.split(options.requests, over: options.clients).enumerated().map { client, range in
                NetworkBenchmarkWorkload.mixed(requests: range.count, mix: options.mix,
                                               seed: seed &+ UInt64(client) &* 0x9E37_79B9_7F4A_7C15)
            }
            let run = try NetworkBenchmarkClients.run(workloads, dataSet: dataSet, pipeline: options.pipeline,
                                                      target: target, token: token)
            if !options.keep {
                try shred(tenant, target: target)
                shredded = true
            }
            return NetworkBenchmarkReport(options: options, server: "\(target.configuration.host):\(target.configuration.port)",
                                          tenant: tenant, tenantShredded: shredded,
                                          loadClients: options.clients, loadPipeline: loadPipeline, load: load, run: run)
        } catch {
            // Best effort: a failed run must not leave a tenant full of benchmark data behind.
            if !options.keep && !shredded { try? shred(tenant, target: target) }
            throw error
        }
    }

    /// `TENANT CREATE` as the operator, then the tenant's claim with the enrollment token (the
    /// operator never holds the administrator token); returns the administrator's token.
    private static func createTenant(_ tenant: String, target: NetworkBenchmarkTarget) throws(NetworkBenchmarkError) -> SecureBytes {
        let reply = try operatorRequest(RequestLine.make(["TENANT", "CREATE", tenant]), step: "TENANT CREATE", target: target)
        guard reply.hasPrefix("OK "),
              let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8.dropFirst(3))) as? [String: Any],
              let enrollment = object["enrollment"] as? String, !enrollment.isEmpty else {
            throw .unexpectedReply(step: "TENANT CREATE")
        }
        let connection = try target.connect()
        defer { connection.close() }
        let text: String
        do { text = try TenantClaim.claim(enrollmentToken: enrollment, on: connection) } catch { throw .client(error) }
        var bytes = Array(text.utf8)
        return SecureBytes(consuming: &bytes)
    }

    /// `TENANT SHRED` as the operator, on a fresh connection (the first may have idled out).
    private static func shred(_ tenant: String, target: NetworkBenchmarkTarget) throws(NetworkBenchmarkError) {
        _ = try operatorRequest(RequestLine.make(["TENANT", "SHRED", tenant]), step: "TENANT SHRED", target: target)
    }

    /// Sends one request as the operator and requires an `OK`.
    private static func operatorRequest(_ line: String, step: String, target: NetworkBenchmarkTarget) throws(NetworkBenchmarkError) -> String {
        let connection = try target.connectAsOperator()
        defer { connection.close() }
        let reply: String
        do { reply = try connection.request(line) } catch { throw .client(error) }
        guard reply.hasPrefix("OK") else { throw .refusal(step, reply) }
        return reply
    }
}
