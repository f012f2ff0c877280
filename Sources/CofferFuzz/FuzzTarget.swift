import Foundation

/// The code under fuzzing. One binary serves every target; the environment variable
/// `COFFER_FUZZ_TARGET` picks one (`request`, the default, or `config`), because libFuzzer
/// allows one `LLVMFuzzerTestOneInput` per executable and one build is cheaper than two.
enum FuzzTarget: String, CaseIterable {
    /// The request line lexer and parser (`RequestParser`, `Lexer`, `CommandParser`).
    case request
    /// The config loader (`ServerConfiguration.parse`).
    case config

    /// The target named by `COFFER_FUZZ_TARGET`; an unknown name is a usage error, reported once.
    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["COFFER_FUZZ_TARGET"] ?? FuzzTarget.request.rawValue
        guard let target = FuzzTarget(rawValue: name) else {
            let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("COFFER_FUZZ_TARGET must be one of: \(known)\n".utf8))
            exit(2)
        }
        return target
    }()

    /// Runs this target on one input; aborts the process if an invariant breaks.
    func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .request: RequestLineFuzzing.run(bytes)
        case .config: ConfigurationFuzzing.run(bytes)
        }
    }
}
