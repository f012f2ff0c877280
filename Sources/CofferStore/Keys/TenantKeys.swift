import CofferCrypto

/// One tenant's unwrapped keys, ready to use: key-encryption keys by version, and the index key.
///
/// Loaded from the keyring on first use and cached; a tenant shred drops the cached instance,
/// and with it the keyed contexts that are the only other copy of the key bytes.
final class TenantKeys: Sendable {
    let tenantID: Int64
    let name: String
    let keyEncryptionKeys: [UInt32: AESGCM]
    let currentVersion: UInt32
    let index: HMACSHA256

    init(tenantID: Int64, name: String, keyEncryptionKeys: [UInt32: AESGCM], index: HMACSHA256) {
        precondition(!keyEncryptionKeys.isEmpty)
        self.tenantID = tenantID
        self.name = name
        self.keyEncryptionKeys = keyEncryptionKeys
        self.currentVersion = keyEncryptionKeys.keys.max()!
        self.index = index
    }

    var current: AESGCM { keyEncryptionKeys[currentVersion]! }

    /// The key-encryption key of `version`, for unwrapping.
    func keyEncryptionKey(_ version: UInt32) throws(CryptoError) -> AESGCM {
        guard let key = keyEncryptionKeys[version] else { throw .malformedCiphertext("unknown tenant key version") }
        return key
    }

    /// The keyed hash that finds a subject without storing its identifier.
    func lookup(subject: String) throws(CryptoError) -> [UInt8] {
        try index.authenticate(BindingContext.subjectLookup(subject))
    }
}
