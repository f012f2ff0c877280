#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import COpenSSL

/// The SHA-256 and size of a file, for backup manifests.
///
/// Streams the file through `EVP_DigestUpdate` in 1 MiB chunks rather than `EVP_Digest` on the
/// whole contents, so hashing a large vault needs no more memory than a small one.
enum FileDigest {
    /// The size in bytes and the lower-case hex SHA-256 of the file at `path`.
    static func sha256(ofFileAt path: String) throws(BackupError) -> (bytes: Int64, sha256: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .fileSystem(path: path, reason: BackupError.errnoText()) }
        defer { close(descriptor) }
        guard let context = EVP_MD_CTX_new() else { throw failure(path, "EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { throw failure(path, "EVP_DigestInit_ex") }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total: Int64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .fileSystem(path: path, reason: BackupError.errnoText())
            }
            if count == 0 { break }
            let updated = buffer.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, count) }
            guard updated == 1 else { throw failure(path, "EVP_DigestUpdate") }
            total += Int64(count)
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else { throw failure(path, "EVP_DigestFinal_ex") }
        return (total, hex(digest.prefix(Int(length))))
    }

    static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func failure(_ path: String, _ operation: String) -> BackupError {
        ERR_clear_error()
        return .fileSystem(path: path, reason: "SHA-256 failed in \(operation)")
    }
}
