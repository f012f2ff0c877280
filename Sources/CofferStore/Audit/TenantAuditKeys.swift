import CofferCrypto

/// One tenant's unwrapped audit keys by version: the highest seals new details; a detail opens
/// with the version its envelope header names.
struct TenantAuditKeys {
    let keys: [UInt32: AESGCM]
    let currentVersion: UInt32

    init(keys: [UInt32: AESGCM]) {
        precondition(!keys.isEmpty)
        self.keys = keys
        currentVersion = keys.keys.max()!
    }

    var current: AESGCM { keys[currentVersion]! }

    func key(_ version: UInt32) throws(CryptoError) -> AESGCM {
        guard let key = keys[version] else { throw .malformedCiphertext("unknown audit key version") }
        return key
    }
}
