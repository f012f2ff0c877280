import CCofferShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns core dumps off for the whole process, before any key is read.
///
/// `coffer serve` holds the master key, every tenant key it has used and decrypted values in
/// memory; a core file would write them to disk in clear, where section 4 of the contract
/// forbids them. Both switches are set: `RLIMIT_CORE` 0 (soft and hard) and, on Linux, not
/// dumpable (`PR_SET_DUMPABLE` 0), which also covers a `core_pattern` that pipes to a
/// handler and keeps other processes of the same user from attaching with `ptrace` or reading
/// `/proc/<pid>/mem`. Called by `coffer serve` and the offline commands that load the master
/// key (`backup`, `restore`, `verify`, `audit`); a process that embeds `CofferService` (the
/// tests) decides for itself.
public enum CoreDumps {
    /// A call that failed; the server refuses to start rather than run with dumps on.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let call: String
        public let reason: String

        public var description: String { "refusing to start: cannot turn core dumps off: \(call) failed: \(reason)" }
    }

    public static func disable() throws(Failure) {
        guard coffer_set_core_limit_zero() == 0 else {
            throw Failure(call: "setrlimit(RLIMIT_CORE, 0)", reason: String(cString: strerror(errno)))
        }
        guard coffer_set_not_dumpable() == 0 else {
            throw Failure(call: "prctl(PR_SET_DUMPABLE, 0)", reason: String(cString: strerror(errno)))
        }
    }
}
