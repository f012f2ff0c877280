import CofferCrypto

/// One subject's unwrapped data keys by version; the highest version seals new values.
final class SubjectKeys: Sendable {
    let keys: [UInt32: AESGCM]
    let currentVersion: UInt32

    init(keys: [UInt32: AESGCM]) {
        precondition(!keys.isEmpty)
        self.keys = keys
        self.currentVersion = keys.keys.max()!
    }

    var current: AESGCM { keys[currentVersion]! }

    func key(_ version: UInt32) throws(CryptoError) -> AESGCM {
        guard let key = keys[version] else { throw .malformedCiphertext("unknown data key version") }
        return key
    }
}
