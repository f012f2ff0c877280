import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run of an external program with a deadline. Its output goes to files, not pipes, so a
/// daemon it leaves behind (a server started by `pg_ctl`) cannot keep the caller waiting.
public struct TestCommand: Sendable {
    public let executable: String
    public let arguments: [String]
    /// The child's whole environment; nil inherits the test process's.
    public var environment: [String: String]?
    public var timeout: Double = 60

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }

    /// What a finished run printed and how it exited.
    public struct Result: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    /// Runs the program from `/` with no standard input and waits for it, `timeout` at most
    /// (then it is killed and this throws).
    public func run() throws(PostgresTestClusterError) -> Result {
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let files = FileManager.default
        let scratch = files.temporaryDirectory.appendingPathComponent("coffer-test-command-\(UUID().uuidString)")
        do {
            try files.createDirectory(at: scratch, withIntermediateDirectories: false,
                                      attributes: [.posixPermissions: 0o700])
        } catch {
            throw .couldNotRun(program: name, reason: "\(error)")
        }
        defer { try? files.removeItem(at: scratch) }
        let outputPath = scratch.appendingPathComponent("stdout").path
        let errorPath = scratch.appendingPathComponent("stderr").path
        guard files.createFile(atPath: outputPath, contents: nil),
              files.createFile(atPath: errorPath, contents: nil),
              let output = FileHandle(forWritingAtPath: outputPath),
              let error = FileHandle(forWritingAtPath: errorPath) else {
            throw .couldNotRun(program: name, reason: "cannot create output files in \(scratch.path)")
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = error
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch let launchError {
            throw .couldNotRun(program: name, reason: "\(launchError)")
        }
        try? output.close()
        try? error.close()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = finished.wait(timeout: .now() + 5)
            throw .timedOut(program: name, seconds: timeout)
        }
        return Result(status: process.terminationStatus,
                      standardOutput: Self.text(atPath: outputPath),
                      standardError: Self.text(atPath: errorPath))
    }

    private static func text(atPath path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    /// The test process's environment less every `PG…` variable, which would otherwise change
    /// what psql and pg_ctl connect to.
    public static func environmentWithoutPostgresVariables() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
    }
}
