import Foundation
import XCTest

/// Runs the `coffer` executable that SwiftPM built beside the test bundle (the test target
/// depends on it), with its output captured in files so that no pipe can fill up.
enum CofferCommand {
    /// The outcome of one run.
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var output: String { stdout + stderr }
    }

    /// The path of the built `coffer`.
    static func executable() throws -> String {
        var directories: [URL] = []
        if let first = CommandLine.arguments.first {
            let url = URL(fileURLWithPath: first).resolvingSymlinksInPath()
            directories += [url.deletingLastPathComponent(), url.deletingLastPathComponent().deletingLastPathComponent()]
        }
        directories += [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        for directory in directories {
            let candidate = directory.appendingPathComponent("coffer").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw XCTSkip("no coffer executable beside the test bundle (looked in \(directories.map(\.path)))")
    }

    /// Runs `coffer arguments…` to completion (at most `timeout` seconds, then it is killed).
    static func run(_ arguments: [String], timeout: TimeInterval = 60) throws -> Result {
        let scratch = NSTemporaryDirectory() + "coffer-cli-output-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let outPath = scratch + "/stdout"
        let errPath = scratch + "/stderr"
        XCTAssertTrue(FileManager.default.createFile(atPath: outPath, contents: nil))
        XCTAssertTrue(FileManager.default.createFile(atPath: errPath, contents: nil))
        let out = try XCTUnwrap(FileHandle(forWritingAtPath: outPath))
        let err = try XCTUnwrap(FileHandle(forWritingAtPath: errPath))
        defer {
            try? out.close()
            try? err.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            exited.wait()
            XCTFail("coffer \(arguments.first ?? "") did not finish within \(timeout) s")
        }
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
                      stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }
}
