import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs mounted on a fresh temporary directory: a file system that really fills up.
/// Needs root (or CAP_SYS_ADMIN); where mounting is not permitted the test is skipped.
final class TmpfsMount {
    let path: String
    private var mounted = false

    /// Mounts a tmpfs of `megabytes` MiB, or throws `XCTSkip` where that is not permitted.
    init(megabytes: Int) throws {
        path = NSTemporaryDirectory() + "coffer-tmpfs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #if os(Linux)
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(megabytes)m,mode=0700") == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: path)
            throw XCTSkip("cannot mount a tmpfs here (\(reason)); the disk-full test needs root")
        }
        mounted = true
        #else
        try? FileManager.default.removeItem(atPath: path)
        throw XCTSkip("the disk-full test mounts a Linux tmpfs")
        #endif
    }

    deinit {
        unmount()
    }

    /// Unmounts (lazily, if something still holds a file open) and removes the directory.
    func unmount() {
        guard mounted else { return }
        mounted = false
        #if os(Linux)
        if umount2(path, 0) != 0 { _ = umount2(path, Int32(MNT_DETACH)) }
        #endif
        try? FileManager.default.removeItem(atPath: path)
    }
}
