import Foundation

/// How much abuse a run generates. CI runs the small defaults; `Tests/Fuzz/run-abuse.sh`
/// raises them through the environment for the figures in docs/RELIABILITY.md.
enum AbuseBudget {
    /// Mutated TLS sessions per run (`COFFER_MUTATED_SESSIONS`, default 200).
    static var mutatedSessions: Int { value("COFFER_MUTATED_SESSIONS", default: 200) }
    /// Generated cross-tenant and cross-subject attempts (`COFFER_ISOLATION_ATTEMPTS`, default 2000).
    static var isolationAttempts: Int { value("COFFER_ISOLATION_ATTEMPTS", default: 2000) }
    /// The seed of the generated traffic (`COFFER_ABUSE_SEED`); reported on failure.
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["COFFER_ABUSE_SEED"].flatMap { UInt64($0) } ?? 0xC0FF_EE00_2024
    }

    private static func value(_ name: String, default fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) }.map { max($0, 1) } ?? fallback
    }
}
