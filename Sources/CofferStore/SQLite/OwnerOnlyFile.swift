#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSQLite

/// Creates database files readable and writable by their owner only (mode 0600).
///
/// SQLite would create a missing file with `0644 & ~umask`. Creating it ourselves first, with
/// `open(2)` and an explicit `fchmod`, makes the mode independent of the umask; SQLite then gives
/// the `-wal`, `-shm` and `-journal` files the same permissions as the database file.
///
/// An existing file is never opened here: closing any descriptor of a file drops *all* of the
/// process's POSIX locks on it, including those SQLite holds through its other connections
/// (SQLite works around this only for descriptors it opened itself). So an existing file is
/// checked with `stat` and tightened with `chmod` by path.
enum OwnerOnlyFile {
    /// Creates `path` if missing and makes sure it is mode 0600 (tightening a looser mode).
    static func prepare(_ path: String) throws(SQLiteError) {
        var status = stat()
        if stat(path, &status) == 0 {
            if status.st_mode & 0o777 != 0o600 {
                guard chmod(path, 0o600) == 0 else {
                    throw failure("cannot restrict the database file to mode 0600", path: path)
                }
            }
            return
        }
        guard errno == ENOENT else { throw failure("cannot inspect the database file", path: path) }
        try openAndRestrict(path, flags: O_RDWR | O_CREAT | O_CLOEXEC)
    }

    /// Creates `path`, which must not exist yet, with mode 0600.
    static func createNew(_ path: String) throws(SQLiteError) {
        try openAndRestrict(path, flags: O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC)
    }

    private static func openAndRestrict(_ path: String, flags: Int32) throws(SQLiteError) {
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else {
            throw failure("cannot create the database file", path: path)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw failure("cannot inspect the database file", path: path)
        }
        // The umask may have cleared owner bits, and an existing file may be group/world readable.
        if status.st_mode & 0o777 != 0o600 {
            guard fchmod(descriptor, 0o600) == 0 else {
                throw failure("cannot restrict the database file to mode 0600", path: path)
            }
        }
    }

    /// An error naming the path (operator configuration, not personal data) and the OS reason.
    private static func failure(_ what: String, path: String) -> SQLiteError {
        let reason = String(cString: strerror(errno))
        return SQLiteError(extendedCode: SQLITE_CANTOPEN, message: "\(what) at \(path): \(reason)")
    }
}
