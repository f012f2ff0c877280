#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing files that hold secrets: the master key, the operator token, the TLS key.
///
/// A secret file is used only if (CONTRACT.md section 7):
/// - it is a regular file, not a symbolic link (opened with `O_NOFOLLOW`);
/// - it is owned by the user the process runs as (its effective uid);
/// - group and others have no access to it (mode `0600` or stricter);
/// - the directory that holds it is owned by that user or by root, and group and others may
///   not write to it (see `checkDirectory(of:)`).
///
/// Every check is made on open descriptors (`fstat` on the directory, then `openat` and `fstat`
/// on the file itself), so the file that was checked is the file that is read: no rename or
/// link swapped in between the check and the read can get another file used. Reads go
/// straight into zeroizing storage. Writes are atomic (temporary file, fsync, rename, fsync of
/// the directory) and create the file with mode 0600 regardless of the process umask.
public enum SecretFile {
    /// Why a secret file could not be used. Every case names the file or its directory; none
    /// shows the file's contents.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case missing(path: String)
        case tooPermissive(path: String, mode: UInt32)
        case symbolicLink(path: String)
        case notOwned(path: String, owner: UInt32, user: UInt32)
        /// The directory holding `file` may be written by someone other than the process's user.
        case unsafeDirectory(directory: String, file: String, reason: String)
        case unreadable(path: String, reason: String)
        case unwritable(path: String, reason: String)

        public var description: String {
            switch self {
            case .missing(let path):
                return "secret file \(path) is missing"
            case .tooPermissive(let path, let mode):
                return "secret file \(path) is accessible by group or others (mode \(String(mode & 0o777, radix: 8))); run: chmod 600 \(path)"
            case .symbolicLink(let path):
                return "secret file \(path) is a symbolic link; put the file itself there"
            case .notOwned(let path, let owner, let user):
                return "secret file \(path) is owned by uid \(owner), not by uid \(user) that the server runs as"
            case .unsafeDirectory(let directory, let file, let reason):
                return "the directory \(directory) that holds secret file \(file) \(reason)"
            case .unreadable(let path, let reason):
                return "cannot read secret file \(path): \(reason)"
            case .unwritable(let path, let reason):
                return "cannot write secret file \(path): \(reason)"
            }
        }
    }

    /// True if anything is at `path`. A symbolic link counts, dangling or not, so that it is
    /// refused by the checks rather than taken for a missing file and replaced.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Refuses a missing file, or one that breaks any rule above.
    public static func check(_ path: String) throws(Failure) {
        let descriptor = try openChecked(path)
        close(descriptor)
    }

    /// Refuses the directory that would hold the secret file `path` if it breaks the directory
    /// rule; a directory that does not exist yet passes (it will be created with mode 0700).
    ///
    /// The rule: owned by the process's user or by root, and neither group- nor
    /// world-writable. The sticky bit (`/tmp`, mode 1777) does not make such a directory safe:
    /// it only stops others from removing or renaming files they do not own; they can still
    /// create names in it, such as the name of a file the server is about to create, or of
    /// the temporary file a write goes through.
    public static func checkDirectory(of path: String) throws(Failure) {
        let directory = directoryName(of: path)
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return }
            throw .unreadable(path: path, reason: "cannot open its directory \(directory): \(errnoText())")
        }
        defer { close(descriptor) }
        try checkDirectory(descriptor, directory: directory, file: path)
    }

    /// Reads the whole file into zeroizing storage after checking it.
    public static func read(_ path: String, maximumBytes: Int = 1 << 20) throws(Failure) -> SecureBytes {
        let fd = try openChecked(path)
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

    /// Atomically replaces (or creates) `path` with `contents`, mode 0600, after checking its
    /// directory (a directory others may write to could hold a planted temporary name).
    public static func write(_ contents: SecureBytes, to path: String) throws(Failure) {
        try checkDirectory(of: path)
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        // O_EXCL: never through a symbolic link or into a file someone else created.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
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

    /// Creates `directory` and its parents with mode exactly 0700 where missing (whatever the
    /// umask), so that a key directory the server creates passes `checkDirectory(of:)`.
    public static func makeDirectory(_ directory: String) throws(Failure) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) == 0 {
                _ = chmod(prefix, 0o700)
            } else if errno != EEXIST {
                throw .unwritable(path: directory, reason: errnoText())
            }
            prefix += "/"
        }
    }

    // MARK: Checks on descriptors

    /// Opens `path` for reading after checking its directory, and checks the file itself on
    /// the open descriptor. The caller closes the descriptor.
    private static func openChecked(_ path: String) throws(Failure) -> Int32 {
        let directory = directoryName(of: path)
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directoryDescriptor >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw .missing(path: path) }
            throw .unreadable(path: path, reason: "cannot open its directory \(directory): \(errnoText())")
        }
        defer { close(directoryDescriptor) }
        try checkDirectory(directoryDescriptor, directory: directory, file: path)

        let name = baseName(of: path)
        // O_NOFOLLOW: a symbolic link as the last component fails (ELOOP) instead of being
        // followed. O_NONBLOCK: a FIFO planted at the name cannot hang the open; it is then
        // refused as not a regular file (and O_NONBLOCK means nothing for regular files).
        let descriptor = openat(directoryDescriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT: throw .missing(path: path)
            case ELOOP, EMLINK: throw .symbolicLink(path: path)
            default: throw .unreadable(path: path, reason: errnoText())
            }
        }
        do {
            try checkFile(descriptor, path: path)
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    private static func checkFile(_ descriptor: Int32, path: String) throws(Failure) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unreadable(path: path, reason: errnoText()) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        let user = geteuid()
        guard info.st_uid == user else { throw .notOwned(path: path, owner: UInt32(info.st_uid), user: UInt32(user)) }
        guard UInt32(info.st_mode) & 0o077 == 0 else { throw .tooPermissive(path: path, mode: UInt32(info.st_mode)) }
    }

    private static func checkDirectory(_ descriptor: Int32, directory: String, file: String) throws(Failure) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unreadable(path: file, reason: "cannot inspect its directory \(directory): \(errnoText())") }
        let user = geteuid()
        // Root owns the system's directories and can replace any file anyway.
        guard info.st_uid == user || info.st_uid == 0 else {
            throw .unsafeDirectory(directory: directory, file: file,
                                   reason: "is owned by uid \(info.st_uid), who may write to it, not by uid \(user) that the server runs as")
        }
        let mode = UInt32(info.st_mode) & 0o7777
        guard mode & 0o022 == 0 else {
            throw .unsafeDirectory(directory: directory, file: file,
                                   reason: "may be written to by group or others (mode \(String(mode, radix: 8))); run: chmod go-w \(directory)")
        }
    }

    // MARK: Paths

    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func syncDirectory(of path: String) {
        let fd = open(directoryName(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
