/// The requests one benchmark client sends in a phase.
enum NetworkBenchmarkWorkload: Sendable {
    /// Loads the subjects in the range: one `SET` of every loaded field per subject, in order.
    case load(subjects: Range<Int>)
    /// `requests` operations drawn from `mix`, about random subjects; `seed` fixes the draw.
    case mixed(requests: Int, mix: NetworkBenchmarkMix, seed: UInt64)

    /// How many requests this workload sends.
    var requestCount: Int {
        switch self {
        case .load(let subjects): return subjects.count
        case .mixed(let requests, _, _): return requests
        }
    }

    /// `total` split as evenly as possible over `parts` workloads (the first ones get the
    /// remainder); parts that would send nothing are left out.
    static func split(_ total: Int, over parts: Int) -> [Range<Int>] {
        let parts = max(parts, 1)
        var ranges: [Range<Int>] = []
        var start = 0
        for part in 0..<parts {
            let size = total / parts + (part < total % parts ? 1 : 0)
            if size > 0 { ranges.append(start..<start + size) }
            start += size
        }
        return ranges
    }
}
