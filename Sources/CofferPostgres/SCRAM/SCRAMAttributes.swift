/// The `name=value` attributes of a SCRAM message (RFC 5802 section 5), in order.
struct SCRAMAttributes {
    let pairs: [(name: UInt8, value: String)]

    /// Parses `a=...,b=...`; every attribute name is one ASCII letter, values may contain `=`
    /// but not `,` (RFC 5802 section 7).
    init(parsing message: [UInt8], context: String) throws(PostgresError) {
        guard let text = String(validating: message, as: UTF8.self) else {
            throw .authenticationFailed("the \(context) is not UTF-8")
        }
        var pairs: [(UInt8, String)] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bytes = Array(part.utf8)
            guard bytes.count >= 2, bytes[1] == UInt8(ascii: "="),
                  (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0]) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[0]) else {
                throw .authenticationFailed("the \(context) is malformed")
            }
            pairs.append((bytes[0], String(decoding: bytes[2...], as: UTF8.self)))
        }
        self.pairs = pairs
    }

    /// The value of the attribute at `position`, which must be named `name`.
    func value(at position: Int, named name: Character, context: String) throws(PostgresError) -> String {
        guard position < pairs.count, pairs[position].name == name.asciiValue else {
            throw .authenticationFailed("the \(context) lacks its '\(name)' attribute")
        }
        return pairs[position].value
    }
}
