/// Reads PostgreSQL wire primitives from one message body; every read checks the bounds and
/// throws `protocolViolation` rather than trapping.
struct PostgresWireReader {
    private let bytes: ArraySlice<UInt8>
    private var index: Int
    /// The message being read, for error texts.
    private let messageName: String

    init(_ bytes: ArraySlice<UInt8>, messageName: String) {
        self.bytes = bytes
        self.index = bytes.startIndex
        self.messageName = messageName
    }

    var remaining: Int { bytes.endIndex - index }
    var isAtEnd: Bool { index == bytes.endIndex }

    mutating func int8() throws(PostgresError) -> UInt8 {
        try need(1)
        defer { index += 1 }
        return bytes[index]
    }

    mutating func int16() throws(PostgresError) -> Int16 {
        try need(2)
        defer { index += 2 }
        return Int16(bitPattern: UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
    }

    mutating func int32() throws(PostgresError) -> Int32 {
        try need(4)
        defer { index += 4 }
        var value: UInt32 = 0
        for offset in 0..<4 { value = value << 8 | UInt32(bytes[index + offset]) }
        return Int32(bitPattern: value)
    }

    mutating func bytes(_ count: Int) throws(PostgresError) -> ArraySlice<UInt8> {
        guard count >= 0 else { throw violation("a negative length") }
        try need(count)
        defer { index += count }
        return bytes[index..<index + count]
    }

    /// Everything left in the message.
    mutating func rest() -> ArraySlice<UInt8> {
        defer { index = bytes.endIndex }
        return bytes[index...]
    }

    /// A NUL-terminated string (decoded as UTF-8, invalid sequences replaced).
    mutating func cString() throws(PostgresError) -> String {
        guard let end = bytes[index...].firstIndex(of: 0) else { throw violation("a string without its terminating NUL") }
        defer { index = end + 1 }
        return String(decoding: bytes[index..<end], as: UTF8.self)
    }

    /// Refuses trailing bytes after the last field.
    func expectEnd() throws(PostgresError) {
        guard isAtEnd else { throw violation("\(remaining) unexpected trailing bytes") }
    }

    private func need(_ count: Int) throws(PostgresError) {
        guard remaining >= count else { throw violation("the message ends early") }
    }

    func violation(_ what: String) -> PostgresError {
        .protocolViolation("\(messageName): \(what)")
    }
}
