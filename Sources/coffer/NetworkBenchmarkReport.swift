import Foundation

/// The result of `coffer bench net`, printed as a table or as one JSON object (`--json`,
/// for scripts such as Benchmarks/compare-peers.sh).
///
/// Throughput counts successful replies only; `ERR UNKNOWN_COMMAND` replies (a command the
/// server does not implement yet) are reported as unsupported and left out of it.
struct NetworkBenchmarkReport: Sendable {
    /// The options of the run.
    let options: NetworkBenchmarkOptions
    /// `host:port` of the server.
    let server: String
    /// The benchmark tenant's name.
    let tenant: String
    /// Whether the tenant was shredded at the end.
    let tenantShredded: Bool
    /// Clients and pipeline depth used to load the data set.
    let loadClients: Int
    let loadPipeline: Int
    /// Loading the data set.
    let load: NetworkBenchmarkPhase
    /// The measured phase.
    let run: NetworkBenchmarkPhase

    /// One line of the table: an operation, or every operation together.
    struct Row {
        let name: String
        let sent: Int
        let succeeded: Int
        let failed: Int
        let unsupported: Int
        let operationsPerSecond: Double
        /// Fields written or read per second (SET counts its fields, GET one, others none).
        let fieldsPerSecond: Double?
        let latencies: NetworkBenchmarkHistogram
    }

    /// A row per operation of the mix (or that was sent), then the total.
    var rows: [Row] {
        let tally = run.tally
        var rows: [Row] = []
        for operation in NetworkBenchmarkOperation.allCases where options.mix.weight(of: operation) > 0 || tally.sent(operation) > 0 {
            let fields: Double? = switch operation {
            case .set: run.rate(tally.succeeded(operation) * options.fieldsPerSet)
            case .get: run.rate(tally.succeeded(operation))
            case .export, .find: nil
            }
            rows.append(Row(name: operation.verb, sent: tally.sent(operation), succeeded: tally.succeeded(operation),
                            failed: tally.failed(operation), unsupported: tally.unsupported(operation),
                            operationsPerSecond: run.rate(tally.succeeded(operation)), fieldsPerSecond: fields,
                            latencies: tally.latencies(operation)))
        }
        rows.append(Row(name: "all", sent: tally.totalSent, succeeded: tally.totalSucceeded, failed: tally.totalFailed,
                        unsupported: tally.totalUnsupported, operationsPerSecond: run.rate(tally.totalSucceeded),
                        fieldsPerSecond: nil, latencies: tally.allLatencies))
        return rows
    }

    /// True when every request got the reply it should (unsupported ones aside) in both phases.
    var isClean: Bool { load.tally.totalFailed == 0 && run.tally.totalFailed == 0 }

    /// The human-readable report.
    var text: String {
        let fieldWord = options.fieldsPerSet == 1 ? "field" : "fields"
        var lines = [
            "coffer bench net: \(options.clients) clients × pipeline \(options.pipeline), \(options.requests) requests, "
                + "mix \(options.mix.description), \(options.fieldsPerSet) \(fieldWord) per SET",
            "server \(server) over TLS, tenant \(tenant)\(tenantShredded ? " (shredded at the end)" : " (kept)")",
            String(format: "load: %d subjects × %d fields in %.2f s: %.0f SET/s, %.0f fields/s (%d clients × pipeline %d)",
                   options.subjects, NetworkBenchmarkDataSet.loadedFields.count, load.seconds,
                   load.rate(load.tally.totalSucceeded), load.rate(load.tally.totalSucceeded * NetworkBenchmarkDataSet.loadedFields.count),
                   loadClients, loadPipeline),
            "",
            Self.columns(["operation", "sent", "ok", "errors", "unsupported", "ops/s", "fields/s", "p50 ms", "p99 ms", "p99.9 ms"]),
        ]
        for row in rows {
            lines.append(Self.columns([
                row.name, "\(row.sent)", "\(row.succeeded)", "\(row.failed)", "\(row.unsupported)",
                String(format: "%.0f", row.operationsPerSecond),
                row.fieldsPerSecond.map { String(format: "%.0f", $0) } ?? "-",
                Self.milliseconds(row.latencies, 0.50),
                Self.milliseconds(row.latencies, 0.99),
                Self.milliseconds(row.latencies, 0.999),
            ]))
        }
        lines.append(String(format: "measured phase: %.3f s", run.seconds))
        let failures = load.tally.failureCodes.merging(run.tally.failureCodes, uniquingKeysWith: +)
        if !failures.isEmpty {
            lines.append("errors: " + failures.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", "))
        }
        if run.tally.totalUnsupported > 0 {
            lines.append("unsupported: the server answered UNKNOWN_COMMAND; those requests are left out of ops/s")
        }
        return lines.joined(separator: "\n")
    }

    /// The report as one JSON object (keys sorted; latencies in milliseconds).
    var json: String {
        var operations: [String: Any] = [:]
        var all: [String: Any] = [:]
        for row in rows {
            var entry: [String: Any] = [
                "sent": row.sent, "ok": row.succeeded, "errors": row.failed, "unsupported": row.unsupported,
                "opsPerSecond": Self.rounded(row.operationsPerSecond),
            ]
            // No successful reply, no latency: null rather than a misleading 0.
            entry["p50Ms"] = row.latencies.total == 0 ? NSNull() : Self.rounded(Double(row.latencies.percentile(0.50)) / 1e6)
            entry["p99Ms"] = row.latencies.total == 0 ? NSNull() : Self.rounded(Double(row.latencies.percentile(0.99)) / 1e6)
            entry["p999Ms"] = row.latencies.total == 0 ? NSNull() : Self.rounded(Double(row.latencies.percentile(0.999)) / 1e6)
            if let fields = row.fieldsPerSecond { entry["fieldsPerSecond"] = Self.rounded(fields) }
            if row.name == "all" { all = entry } else { operations[row.name.lowercased()] = entry }
        }
        let object: [String: Any] = [
            "clients": options.clients, "pipeline": options.pipeline, "requests": options.requests,
            "subjects": options.subjects, "fieldsPerSet": options.fieldsPerSet, "mix": options.mix.description,
            "server": server, "tenant": tenant, "tenantShredded": tenantShredded,
            "load": [
                "seconds": Self.rounded(load.seconds), "ok": load.tally.totalSucceeded, "errors": load.tally.totalFailed,
                "setsPerSecond": Self.rounded(load.rate(load.tally.totalSucceeded)),
                "clients": loadClients, "pipeline": loadPipeline,
            ] as [String: Any],
            "seconds": Self.rounded(run.seconds),
            "operations": operations,
            "all": all,
            "errorCodes": load.tally.failureCodes.merging(run.tally.failureCodes, uniquingKeysWith: +),
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A percentile in milliseconds, or "-" when nothing succeeded.
    private static func milliseconds(_ latencies: NetworkBenchmarkHistogram, _ fraction: Double) -> String {
        latencies.total == 0 ? "-" : String(format: "%.3f", Double(latencies.percentile(fraction)) / 1e6)
    }

    /// Three decimals are plenty, and keep the JSON free of binary-fraction noise.
    private static func rounded(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }

    private static func columns(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            let width = index == 0 ? 10 : 12
            let padding = String(repeating: " ", count: max(0, width - cell.count))
            return index == 0 ? cell + padding : padding + cell
        }.joined()
    }
}
