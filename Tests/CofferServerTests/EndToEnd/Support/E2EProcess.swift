import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process whose standard output and error are collected on background threads, so a
/// test can wait for a line on standard error while the process runs, signal it, and wait for
/// its exit with a deadline.
final class E2EProcess {
    let process = Process()
    private let stdinPipe = Pipe()
    // Kept for the life of the process: releasing a pipe closes its descriptors under the readers.
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let stdout = E2EOutputCollector()
    private let stderr = E2EOutputCollector()
    private var stdoutDone: DispatchSemaphore?
    private var stderrDone: DispatchSemaphore?
    private var readersFinished = false

    /// Starts `executable` with `arguments` in `directory` (the current one when nil).
    init(_ executable: String, _ arguments: [String], directory: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
        // The child has its own copies; the parent's must go, or the readers never see end of file.
        try? stdoutPipe.fileHandleForWriting.close()
        try? stderrPipe.fileHandleForWriting.close()
        try? stdinPipe.fileHandleForReading.close()
        stdoutDone = stdout.collect(from: stdoutPipe.fileHandleForReading.fileDescriptor)
        stderrDone = stderr.collect(from: stderrPipe.fileHandleForReading.fileDescriptor)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        // Let the readers reach end of file before the pipes (and their descriptors) go away.
        waitForReaders()
    }

    /// Waits (once, at most a few seconds) until both output readers have reached end of file.
    private func waitForReaders() {
        guard !readersFinished else { return }
        readersFinished = true
        _ = stdoutDone?.wait(timeout: .now() + 2)
        _ = stderrDone?.wait(timeout: .now() + 2)
    }

    /// Writes to the child's standard input.
    func write(_ text: String) {
        stdinPipe.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Closes the child's standard input.
    func closeInput() {
        try? stdinPipe.fileHandleForWriting.close()
    }

    var standardOutput: String { stdout.text }
    var standardError: String { stderr.text }

    /// Waits until standard error contains `needle`; returns false after `timeout` seconds or
    /// when the process exits first without having written it.
    func waitForStandardError(containing needle: String, timeout: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if stderr.text.contains(needle) { return true }
            if !process.isRunning { return stderr.text.contains(needle) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return stderr.text.contains(needle)
    }

    /// Waits for the process to exit and its output to be read; returns its exit status, or
    /// nil (after killing it) if it is still running after `timeout` seconds.
    func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        waitForReaders()
        return process.terminationStatus
    }

    /// Sends `signal` to the process.
    func send(signal number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// The reason the process ended (after `waitForExit`).
    var endedBySignal: Bool { process.terminationReason == .uncaughtSignal }

    /// Runs a command to completion and returns its status and output.
    static func run(_ executable: String, _ arguments: [String], input: String? = nil, directory: String? = nil,
                    timeout: Double = 20) throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = try E2EProcess(executable, arguments, directory: directory)
        if let input { child.write(input) }
        child.closeInput()
        let status = child.waitForExit(timeout: timeout)
        return (status, child.standardOutput, child.standardError)
    }
}
