/// The options of `coffer bench net` (see `HelpText.benchNet`), checked.
struct NetworkBenchmarkOptions: Sendable {
    /// Client connections, each on its own thread.
    var clients = 16
    /// Requests each client keeps in flight.
    var pipeline = 16
    /// Operations in the measured phase, over all clients.
    var requests = 100_000
    /// Subjects loaded before the measured phase (3 fields each).
    var subjects = 100_000
    /// Relative weights of SET, GET, EXPORT and FIND.
    var mix = NetworkBenchmarkMix.standard
    /// Fields written by each SET of the measured phase.
    var fieldsPerSet = 1
    /// Leave the benchmark tenant in place instead of shredding it.
    var keep = false
    /// Run an in-process server in a temporary directory instead of connecting to one.
    var startServer = false
    /// Print the report as one JSON object instead of a table.
    var json = false

    /// Options that take a value: the client options of `call` plus the benchmark's own.
    static let valued: Set<String> = ClientOptions.valued.union(
        ["--clients", "--pipeline", "--requests", "--subjects", "--mix", "--fields-per-set"])
    /// Options without a value.
    static let flags: Set<String> = ["--help", "--keep", "--start-server", "--json"]
    /// Options that say where the server is, which `--start-server` replaces.
    static let serverOptions = ["--config", "--host", "--port", "--ca", "--token-file"]

    /// The defaults.
    init() {}

    /// Reads and checks the options of `arguments` (the server options are read separately,
    /// by `ClientOptions`).
    init(_ arguments: CommandLineArguments) throws(CommandLineArguments.UsageError) {
        guard arguments.positional.isEmpty else { throw .init(description: "bench net takes no positional arguments") }
        clients = try Self.bounded(arguments, "--clients", default: clients, 1...1000)
        pipeline = try Self.bounded(arguments, "--pipeline", default: pipeline, 1...10_000)
        requests = try Self.bounded(arguments, "--requests", default: requests, 1...1_000_000_000)
        subjects = try Self.bounded(arguments, "--subjects", default: subjects, 1...100_000_000)
        fieldsPerSet = try Self.bounded(arguments, "--fields-per-set", default: fieldsPerSet,
                                        1...NetworkBenchmarkDataSet.maximumFieldsPerSet)
        if let text = arguments.options["--mix"] { mix = try NetworkBenchmarkMix.parse(text) }
        keep = arguments.flags.contains("--keep")
        startServer = arguments.flags.contains("--start-server")
        json = arguments.flags.contains("--json")
        if startServer, let clash = Self.serverOptions.first(where: { arguments.options[$0] != nil }) {
            throw .init(description: "--start-server runs its own server; it cannot be combined with \(clash)")
        }
        if !startServer && arguments.options["--token-file"] == nil {
            throw .init(description: "bench net needs --token-file OPERATOR_TOKEN (or --start-server)")
        }
    }

    /// The data set these options describe.
    var dataSet: NetworkBenchmarkDataSet {
        NetworkBenchmarkDataSet(subjects: subjects, fieldsPerSet: fieldsPerSet)
    }

    private static func bounded(_ arguments: CommandLineArguments, _ option: String, default value: Int,
                                _ range: ClosedRange<Int>) throws(CommandLineArguments.UsageError) -> Int {
        let number = try arguments.integer(option) ?? value
        guard range.contains(number) else {
            throw .init(description: "\(option) must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }
}
