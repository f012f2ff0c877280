import CofferCrypto

/// Reads `passwordFile` (CONTRACT.md section 9): a secret file, refused when group or others
/// can read it (`SecretFile`'s rules); one trailing newline is ignored.
public enum PostgresPasswordFile {
    public static func read(_ path: String) throws(SecretFile.Failure) -> SecureBytes {
        let contents = try SecretFile.read(path, maximumBytes: 4096)
        return contents.withUnsafeBytes { bytes in
            var count = bytes.count
            if count > 0, bytes[count - 1] == 0x0A { count -= 1 }
            return SecureBytes(copying: UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
        }
    }
}
