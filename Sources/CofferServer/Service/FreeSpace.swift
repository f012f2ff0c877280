import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Free space on a file system, to tell a full disk from other storage failures at start-up:
/// SQLite reports a database it cannot open for lack of space as a plain "disk I/O error".
enum FreeSpace {
    /// Below this a failed start is put down to a full disk: opening a database in WAL mode
    /// needs room for its WAL index (32 KiB) and the first pages of its WAL.
    static let minimumToStart = 1 << 20

    /// Bytes a process without privileges may still write on the file system that holds `path`
    /// (or its nearest existing ancestor, for a data directory not created yet); nil if unknown.
    static func availableBytes(at path: String) -> Int? {
        var candidate = path.isEmpty ? "." : path
        while true {
            var info = statvfs()
            if statvfs(candidate, &info) == 0 { return Int(info.f_bavail) * Int(info.f_frsize) }
            guard errno == ENOENT, candidate != "/", candidate != "." else { return nil }
            let parent = (candidate as NSString).deletingLastPathComponent
            candidate = parent.isEmpty ? "." : parent
        }
    }
}
