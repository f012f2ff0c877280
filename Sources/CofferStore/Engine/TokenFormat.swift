import CofferCrypto

/// The shape of the tokens Coffer hands out: `cft_` and 256 random bits in unpadded base64url.
///
/// The alphabet has no space, quote or control byte, so a token is a protocol atom and can be
/// typed as it is. Tokens are shown once and stored only as keyed digests.
public enum TokenFormat {
    static let prefix = "cft_"

    public static func generate() throws(CryptoError) -> String {
        prefix + base64URL(try SecureRandom.bytes(32))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0...chunk.count {
                out.append(alphabet[Int(value >> (18 - 6 * UInt32(position)) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
