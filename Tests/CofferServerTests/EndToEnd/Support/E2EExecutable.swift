import Foundation

/// The `coffer` executable that SwiftPM built next to the test bundle (the test target depends
/// on it).
enum E2EExecutable {
    /// The path of the built `coffer`, found beside the running test bundle.
    static func path() throws -> String {
        var directories: [URL] = []
        if let first = CommandLine.arguments.first {
            let url = URL(fileURLWithPath: first).resolvingSymlinksInPath()
            directories += [url.deletingLastPathComponent(), url.deletingLastPathComponent().deletingLastPathComponent()]
        }
        directories += [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        for directory in directories {
            let candidate = directory.appendingPathComponent("coffer").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw E2EFailure("no coffer executable beside the test bundle (looked in \(directories.map(\.path)))")
    }

    /// Runs `coffer` with `arguments` to completion.
    static func run(_ arguments: [String], timeout: Double = 20) throws -> (status: Int32?, stdout: String, stderr: String) {
        try E2EProcess.run(try path(), arguments, timeout: timeout)
    }
}
