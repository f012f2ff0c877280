/// `coffer bench`: performance measurements (see docs/BENCHMARKS.md).
enum BenchCommand {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        // `bench net --help` has its own text; every other `--help` gets the overview.
        if arguments.isEmpty || (arguments.contains("--help") && arguments.first != "net") {
            Output.out(HelpText.bench)
            return arguments.isEmpty ? 2 : 0
        }
        switch arguments.first {
        case "engine": return EngineBenchmark.run(arguments.dropFirst())
        case "rotation": return RotationBenchmark.run(arguments.dropFirst())
        case "growth": return GrowthBenchmark.run(arguments.dropFirst())
        case "net": return NetworkBenchmark.run(arguments.dropFirst())
        default: return Output.usageError("unknown benchmark \(arguments.first!)", help: HelpText.bench)
        }
    }
}
