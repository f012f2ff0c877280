import Foundation

/// Checks made on every fuzz input. A broken invariant is a finding: the process aborts so
/// that libFuzzer records the input as a crash. The message names the invariant only, never
/// input bytes (an input may be a token or personal data someone pasted into a corpus).
enum FuzzInvariant {
    static func require(_ condition: @autoclosure () -> Bool, _ invariant: StaticString) {
        guard condition() else {
            FileHandle.standardError.write(Data("fuzz invariant broken: \(invariant)\n".utf8))
            abort()
        }
    }
}
