#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing files that hold secrets: the master key, the operator token, the TLS key.
///
/// Reads go straight into zeroizing storage, and refuse a file that anyone but its owner may
/// access. Writes are atomic (temporary file, fsync, rename, fsync of the directory) and
/// create the file with mode 0600 regardless of the process umask.
public enum SecretFile {
    /// Why a secret file could not be used. Every case names the file; none shows its contents.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case missing(path: String)
        case tooPermissive(path: String, mode: UInt32)
        case unreadable(path: String, reason: String)
        case unwritable(path: String, reason: String)

        public var description: String {
            switch self {
            case .missing(let path):
                return "secret file \(path) is missing"
            case .tooPermissive(let path, let mode):
                return "secret file \(path) is accessible by group or others (mode \(String(mode & 0o777, radix: 8))); run: chmod 600 \(path)"
            case .unreadable(let path, let reason):
                return "cannot read secret file \(path): \(reason)"
            case .unwritable(let path, let reason):
                return "cannot write secret file \(path): \(reason)"
            }
        }
    }

    /// True if something exists at `path` (a dangling name counts as missing).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Refuses a missing file, or one whose mode grants any access to group or others.
    public static func checkPermissions(_ path: String) throws(Failure) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw .missing(path: path) }
            throw .unreadable(path: path, reason: errnoText())
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        guard UInt32(info.st_mode) & 0o077 == 0 else { throw .tooPermissive(path: path, mode: UInt32(info.st_mode)) }
    }

    /// Reads the whole file into zeroizing storage after checking its permissions.
    public static func read(_ path: String, maximumBytes: Int = 1 << 20) throws(Failure) -> SecureBytes {
        try checkPermissions(path)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(path: path, reason: errnoText()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: errnoText()) }
        let size = Int(info.st_size)
        guard size <= maximumBytes else { throw .unreadable(path: path, reason: "file is larger than \(maximumBytes) bytes") }
        var readError: String?
        let contents = SecureBytes(count: size) { buffer in
            var offset = 0
            while offset < size {
                let n = Glibc.read(fd, buffer.baseAddress! + offset, size - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { readError = n == 0 ? "file shrank while reading" : errnoText(); return }
                offset += n
            }
        }
        if let readError { throw .unreadable(path: path, reason: readError) }
        return contents
    }

    /// Atomically replaces (or creates) `path` with `contents`, mode 0600.
    public static func write(_ contents: SecureBytes, to path: String) throws(Failure) {
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .unwritable(path: path, reason: errnoText()) }
        var failure: String?
        contents.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = errnoText(); return }
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = errnoText() }
        close(fd)
        if failure == nil && rename(temporary, path) != 0 { failure = errnoText() }
        if let failure {
            unlink(temporary)
            throw .unwritable(path: path, reason: failure)
        }
        syncDirectory(of: path)
    }

    /// Creates `directory` and its parents with mode 0700 where missing.
    public static func makeDirectory(_ directory: String) throws(Failure) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST { throw .unwritable(path: directory, reason: errnoText()) }
            prefix += "/"
        }
    }

    static func syncDirectory(of path: String) {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
