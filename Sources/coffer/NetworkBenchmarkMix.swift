/// The relative weights of the operations in the measured phase, as `--mix set=20,get=70`
/// gives them. An operation the option does not name has weight 0.
struct NetworkBenchmarkMix: Sendable, Equatable {
    /// The mix of issue 6. A server without `FIND` answers it `ERR UNKNOWN_COMMAND`, which is
    /// reported as unsupported and left out of the throughput.
    static let standard = NetworkBenchmarkMix(weights: [.set: 20, .get: 70, .export: 5, .find: 5])

    /// Weight per operation, indexed by `NetworkBenchmarkOperation.index`.
    private let weights: [Int]
    /// Running sums of `weights`, for drawing.
    private let cumulative: [Int]

    /// Creates a mix; weights must be 0 or more and not all 0 (checked by `parse`).
    init(weights: [NetworkBenchmarkOperation: Int]) {
        self.weights = NetworkBenchmarkOperation.allCases.map { weights[$0] ?? 0 }
        var sum = 0
        cumulative = self.weights.map { sum += $0; return sum }
    }

    /// Parses `set=20,get=70,export=5,find=5`.
    static func parse(_ text: String) throws(CommandLineArguments.UsageError) -> NetworkBenchmarkMix {
        var weights: [NetworkBenchmarkOperation: Int] = [:]
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2,
                  let operation = NetworkBenchmarkOperation(rawValue: pieces[0].lowercased()),
                  let weight = Int(pieces[1]), weight >= 0, weight <= 1_000_000 else {
                throw .init(description: "--mix takes op=weight pairs separated by commas, op being set, get, export or find, "
                                       + "weight a whole number from 0 to 1000000 (for example set=20,get=70,export=5,find=5)")
            }
            guard weights[operation] == nil else {
                throw .init(description: "--mix names \(operation.rawValue) twice")
            }
            weights[operation] = weight
        }
        guard weights.values.contains(where: { $0 > 0 }) else {
            throw .init(description: "--mix needs at least one operation with a weight above 0")
        }
        return NetworkBenchmarkMix(weights: weights)
    }

    /// The weight of `operation`.
    func weight(of operation: NetworkBenchmarkOperation) -> Int { weights[operation.index] }

    /// `set=20,get=70,export=5,find=5`.
    var description: String {
        NetworkBenchmarkOperation.allCases.map { "\($0.rawValue)=\(weight(of: $0))" }.joined(separator: ",")
    }

    /// Draws an operation with probability proportional to its weight.
    func draw(using generator: inout some RandomNumberGenerator) -> NetworkBenchmarkOperation {
        let point = Int.random(in: 0..<cumulative[cumulative.count - 1], using: &generator)
        let index = cumulative.firstIndex { point < $0 } ?? 0
        return NetworkBenchmarkOperation.allCases[index]
    }
}
