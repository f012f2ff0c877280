import CofferCrypto

/// The master key versions from the key file, as ready-to-use ciphers.
///
/// Wraps with the current (highest) version; unwraps with whichever version a wrapped key's
/// envelope header names.
struct MasterKeyring {
    let file: MasterKeyFile
    let ciphers: [UInt32: AESGCM]

    init(file: MasterKeyFile) throws {
        self.file = file
        var ciphers: [UInt32: AESGCM] = [:]
        for (version, key) in file.keys { ciphers[version] = try AESGCM(key: key) }
        self.ciphers = ciphers
    }

    var currentVersion: UInt32 { file.currentVersion }

    func wrap(_ key: SymmetricKey, context: [UInt8]) throws -> [UInt8] {
        try KeyWrap.wrap(key, under: ciphers[currentVersion]!, kekVersion: currentVersion, context: context)
    }

    func unwrap(_ wrapped: [UInt8], context: [UInt8]) throws -> SymmetricKey {
        try KeyWrap.unwrap(wrapped, context: context) { (version) throws(CryptoError) in
            guard let cipher = ciphers[version] else {
                throw CryptoError.malformedCiphertext("master key version \(version) is not in the master key file")
            }
            return cipher
        }
    }
}
