import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `coffer serve` holds the master key and every tenant key in memory, so it runs with core
/// dumps off (`RLIMIT_CORE` 0, soft and hard) and not dumpable (`PR_SET_DUMPABLE` 0): no core
/// file, and no `ptrace` or `/proc/<pid>/mem` access by other processes of its user.
final class CoreDumpE2ETests: E2ETestCase {
    /// The uid the server runs as here: nobody. Linux shows the files under `/proc/<pid>` of a
    /// process that is not dumpable as owned by root (the directory itself keeps the process's
    /// owner), so the owner of `/proc/<pid>/mem` tells the flag when the process runs as
    /// someone other than root.
    private let serverUID: uid_t = 65534

    func testServeRunsWithCoreDumpsOffAndNotDumpable() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root, to run the server as another user") }
        let setpriv = "/usr/bin/setpriv"
        guard FileManager.default.isExecutableFile(atPath: setpriv) else { throw XCTSkip("needs \(setpriv)") }
        let installation = try E2EInstallation()
        for path in [installation.root, installation.root + "/config", installation.configPath] {
            XCTAssertEqual(chown(path, serverUID, gid_t(serverUID)), 0, "chown \(path)")
        }
        let child = try E2EProcess(setpriv, ["--reuid=\(serverUID)", "--regid=\(serverUID)", "--clear-groups",
                                             try E2EExecutable.path(), "serve", "--config", installation.configPath])
        guard child.waitForStandardError(containing: "listening on", timeout: 20) else {
            _ = child.waitForExit(timeout: 2)
            return XCTFail("coffer serve as uid \(serverUID) did not start: \(child.standardError)")
        }
        let pid = child.process.processIdentifier

        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        let coreLine = try XCTUnwrap(limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
        let values = coreLine.dropFirst("Max core file size".count).split(separator: " ")
        XCTAssertEqual(Array(values.prefix(2)), ["0", "0"], "soft and hard core size limits: \(coreLine)")

        var info = stat()
        XCTAssertEqual(stat("/proc/\(pid)/mem", &info), 0)
        XCTAssertEqual(info.st_uid, 0, "/proc/<pid>/mem of a process that is not dumpable belongs to root, not to uid \(serverUID)")

        child.send(signal: SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 15), 0, child.standardError)
    }
}
