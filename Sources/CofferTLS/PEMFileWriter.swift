import CofferCrypto
import Foundation
import COpenSSL

/// Writes PEM files for `SelfSignedCertificate` with exact modes, independent of the umask.
///
/// Each file is written to a temporary name created with `O_CREAT | O_EXCL`, synced, then
/// linked to its final name (which fails rather than replace an existing file) — so a reader,
/// or a server restarted after a crash, sees either the whole file or none.
enum PEMFileWriter {
    /// Creates the missing parent directories of `path` with mode 0700 (`SecretFile.makeDirectory`,
    /// so a directory made here passes the secret-file checks).
    static func makeParentDirectories(of path: String) throws(TLSError) {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty else { return }
        do { try SecretFile.makeDirectory(directory) } catch {
            throw TLSError(kind: .certificateGeneration, operation: "create directory \(directory)", details: [error.description])
        }
    }

    /// Throws if something already exists at `path` (this writer never replaces a file).
    static func refuseExisting(_ path: String) throws(TLSError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            throw TLSError(kind: .certificateGeneration, operation: "create \(path)", details: ["the file already exists; remove it to generate a new one"])
        }
    }

    /// Creates `path` with exactly `mode`, filled by `body` through an OpenSSL file BIO.
    /// `body` returns false on failure (the OpenSSL queue then says why).
    static func write(_ path: String, mode: mode_t, _ body: (OpaquePointer) -> Bool) throws(TLSError) {
        let temporary = path + ".tmp-\(getpid())"
        _ = unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure("create \(temporary)") }
        var error: TLSError?
        if fchmod(descriptor, mode) != 0 {
            error = failure("set mode of \(temporary)")
        } else if let bio = BIO_new_fd(descriptor, BIO_NOCLOSE) {
            ERR_clear_error()
            if !body(bio) { error = TLSError.drainingQueue(.certificateGeneration, "write \(path)") }
            BIO_free(bio)
        } else {
            error = TLSError.drainingQueue(.certificateGeneration, "open \(temporary)")
        }
        if error == nil && fsync(descriptor) != 0 { error = failure("sync \(temporary)") }
        NetworkPosix.closeDescriptor(descriptor)
        if error == nil && link(temporary, path) != 0 { error = failure("create \(path)") }
        _ = unlink(temporary)
        if let error { throw error }
        syncDirectory(of: path)
    }

    /// Makes the new directory entries durable.
    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        NetworkPosix.closeDescriptor(descriptor)
    }

    private static func failure(_ operation: String) -> TLSError {
        TLSError(kind: .certificateGeneration, operation: operation, details: [NetworkPosix.errorText()])
    }
}
