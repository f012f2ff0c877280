#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CofferCrypto
import Foundation

/// The file-system steps of backups and restores: owner-only directories, emptiness checks,
/// atomic writes of small files, and the fsyncs that make a finished backup durable.
enum BackupFiles {
    /// Makes `path` an empty directory of mode 0700, creating it (and missing parents, 0700)
    /// where needed. Refuses an existing directory that holds anything.
    static func prepareEmptyDirectory(_ path: String) throws(BackupError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .destinationNotEmpty(path: path) }
            let entries: [String]
            do { entries = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw .fileSystem(path: path, reason: "cannot list the directory")
            }
            guard entries.isEmpty else { throw .destinationNotEmpty(path: path) }
        } else {
            do { try SecretFile.makeDirectory(path) } catch { throw .fileSystem(path: path, reason: error.description) }
        }
        guard chmod(path, 0o700) == 0 else { throw .fileSystem(path: path, reason: BackupError.errnoText()) }
    }

    /// Writes `bytes` to `path` atomically with mode 0600: a temporary file, fsync, rename,
    /// fsync of the directory.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(BackupError) {
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .fileSystem(path: path, reason: BackupError.errnoText()) }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { failure = BackupError.errnoText(); return }
                offset += written
            }
        }
        if failure == nil && fchmod(descriptor, 0o600) != 0 { failure = BackupError.errnoText() }
        if failure == nil && fsync(descriptor) != 0 { failure = BackupError.errnoText() }
        close(descriptor)
        if failure == nil && rename(temporary, path) != 0 { failure = BackupError.errnoText() }
        if let failure {
            unlink(temporary)
            throw .fileSystem(path: path, reason: failure)
        }
        try syncDirectory(directory(of: path))
    }

    /// Flushes a file's contents to stable storage.
    static func syncFile(_ path: String) throws(BackupError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .fileSystem(path: path, reason: BackupError.errnoText()) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .fileSystem(path: path, reason: BackupError.errnoText()) }
    }

    /// Flushes a directory, so that files created or renamed in it survive a crash.
    static func syncDirectory(_ path: String) throws(BackupError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .fileSystem(path: path, reason: BackupError.errnoText()) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .fileSystem(path: path, reason: BackupError.errnoText()) }
    }

    /// The size of the file at `path`, or nil if there is none.
    static func size(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// Removes a database file together with its journal, WAL and shared-memory files.
    static func removeDatabase(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }

    static func directory(of path: String) -> String {
        (path as NSString).deletingLastPathComponent
    }
}
