import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Takes every free byte of a file system with one file, and gives them back by deleting it.
final class DiskFiller {
    let path: String

    /// Writes `directory/filler` until the file system answers ENOSPC.
    init(directory: String) throws {
        path = directory + "/filler"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw E2EFailure("cannot create the filler file") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0x5A, count: 64 * 1024)
        var reachedFull = false
        while !reachedFull {
            let written = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                guard errno == ENOSPC else { throw E2EFailure("filling the disk failed: \(String(cString: strerror(errno)))") }
                reachedFull = true
            } else if written < chunk.count {
                // A short write: the last free bytes; the next write answers ENOSPC.
                continue
            }
        }
    }

    /// Deletes the filler file: the space is free again.
    func release() {
        unlink(path)
    }
}
