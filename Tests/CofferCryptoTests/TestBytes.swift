import CofferCrypto

/// Hex helpers for known-answer tests.
func hex(_ string: String) -> [UInt8] {
    let chars = Array(string.utf8)
    precondition(chars.count % 2 == 0, "odd hex length")
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: preconditionFailure("bad hex digit")
        }
    }
    return stride(from: 0, to: chars.count, by: 2).map { nibble(chars[$0]) << 4 | nibble(chars[$0 + 1]) }
}

func key(_ hexString: String) throws -> SymmetricKey {
    var bytes = hex(hexString)
    return try SymmetricKey(bytes: SecureBytes(consuming: &bytes))
}

func bytes(_ secure: SecureBytes) -> [UInt8] {
    secure.withUnsafeBytes { Array($0) }
}
