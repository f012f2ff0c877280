import CofferCrypto

/// The master key file: every live version of the master key, in one 0600 file outside the databases.
///
/// Binary, so that key bytes never pass through a `String`:
/// ```
/// "CFMK"  magic
/// 0x01    format
/// n       number of versions (1...255)
/// n × (version: UInt32 big-endian, key: 32 bytes)
/// ```
/// The highest version wraps new tenant keys; older versions stay until rotation has rewrapped
/// everything they protected, then are dropped from the file.
public struct MasterKeyFile: Sendable {
    public static let fileName = "master.key"
    static let magic: [UInt8] = Array("CFMK".utf8)
    static let format: UInt8 = 1

    /// The keys by version.
    public let keys: [UInt32: SymmetricKey]

    /// The version that wraps new keys.
    public var currentVersion: UInt32 { keys.keys.max()! }

    public init(keys: [UInt32: SymmetricKey]) {
        precondition(!keys.isEmpty, "a master key file holds at least one version")
        self.keys = keys
    }

    /// A new file holding one random key, version 1.
    public static func generate() throws(CryptoError) -> MasterKeyFile {
        MasterKeyFile(keys: [1: try .random()])
    }

    /// Reads and checks the file: it must exist, be private to its owner and be well-formed.
    public static func load(from path: String) throws(VaultError) -> MasterKeyFile {
        let contents: SecureBytes
        do { contents = try SecretFile.read(path, maximumBytes: 6 + 255 * 36) } catch { throw .keyFile(error) }
        return try contents.withUnsafeBytes { (bytes) throws(VaultError) -> MasterKeyFile in
            let malformed = VaultError.keyFile(.unreadable(path: path, reason: "not a Coffer master key file (bad header or length)"))
            guard bytes.count >= 6, Array(bytes[0..<4]) == magic, bytes[4] == format else { throw malformed }
            let count = Int(bytes[5])
            guard count >= 1, bytes.count == 6 + count * 36 else { throw malformed }
            var keys: [UInt32: SymmetricKey] = [:]
            for index in 0..<count {
                let base = 6 + index * 36
                let version = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[base + $1]) }
                let keyBytes = SecureBytes(copying: UnsafeRawBufferPointer(rebasing: bytes[(base + 4)..<(base + 36)]))
                guard version > 0, keys[version] == nil, let key = try? SymmetricKey(bytes: keyBytes) else { throw malformed }
                keys[version] = key
            }
            return MasterKeyFile(keys: keys)
        }
    }

    /// Writes the file atomically with mode 0600.
    public func save(to path: String) throws(VaultError) {
        let versions = keys.keys.sorted()
        let contents = SecureBytes(count: 6 + versions.count * 36) { buffer in
            for (i, byte) in Self.magic.enumerated() { buffer[i] = byte }
            buffer[4] = Self.format
            buffer[5] = UInt8(versions.count)
            for (index, version) in versions.enumerated() {
                let base = 6 + index * 36
                for i in 0..<4 { buffer[base + i] = UInt8(truncatingIfNeeded: version >> (24 - 8 * UInt32(i))) }
                keys[version]!.withUnsafeBytes { key in
                    UnsafeMutableRawBufferPointer(rebasing: buffer[(base + 4)..<(base + 36)]).copyMemory(from: key)
                }
            }
        }
        do { try SecretFile.write(contents, to: path) } catch { throw .keyFile(error) }
    }
}
