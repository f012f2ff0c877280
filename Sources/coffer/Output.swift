import Foundation

/// Writing to standard output and standard error (the C globals are not usable from Swift 6).
enum Output {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Reports a usage error with the command's help, and returns the usage exit status.
    static func usageError(_ message: String, help: String) -> Int32 {
        err("coffer: \(message)\n\n\(help)")
        return 2
    }
}
