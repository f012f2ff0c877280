/// The naming rules of the contract (section 4), checked byte by byte.
public enum Identifier {
    /// `[a-z0-9][a-z0-9-]{0,62}`
    public static func isValidTenant(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, bytes.count <= 63, isLowerAlnum(first) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// 1 to 256 bytes of UTF-8, no control byte (0x00–0x1F, 0x7F).
    public static func isValidSubject(_ name: String) -> Bool {
        let bytes = name.utf8
        return (1...256).contains(bytes.count) && !bytes.contains(where: isControl)
    }

    /// `[a-z][a-z0-9_.-]{0,63}`
    public static func isValidField(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, bytes.count <= 64, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    public static func checkTenant(_ name: String) throws(VaultError) {
        guard isValidTenant(name) else { throw .invalid("tenant names are 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit") }
    }

    public static func checkSubject(_ name: String) throws(VaultError) {
        guard isValidSubject(name) else { throw .invalid("subject identifiers are 1 to 256 bytes of UTF-8 without control characters") }
    }

    public static func checkField(_ name: String) throws(VaultError) {
        guard isValidField(name) else { throw .invalid("field names are 1 to 64 characters of a-z, 0-9, '_', '.' and '-', starting with a letter") }
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }
}
