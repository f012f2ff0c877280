/// Appends PostgreSQL wire primitives (network byte order) to a byte array.
struct PostgresWireWriter {
    private(set) var bytes: [UInt8]

    init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func int8(_ value: UInt8) { bytes.append(value) }

    mutating func int16(_ value: Int16) {
        let bits = UInt16(bitPattern: value)
        bytes.append(UInt8(bits >> 8))
        bytes.append(UInt8(bits & 0xFF))
    }

    mutating func int32(_ value: Int32) {
        let bits = UInt32(bitPattern: value)
        bytes.append(contentsOf: [UInt8(bits >> 24), UInt8((bits >> 16) & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8(bits & 0xFF)])
    }

    mutating func int64(_ value: Int64) {
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((bits >> UInt64(shift)) & 0xFF)) }
    }

    mutating func raw(_ data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }

    /// A NUL-terminated string; refuses one that contains NUL itself (it would end early and
    /// shift every later field).
    mutating func cString(_ text: String, field: String) throws(PostgresError) {
        guard !text.utf8.contains(0) else { throw .invalidRequest("\(field) contains a NUL character") }
        bytes.append(contentsOf: text.utf8)
        bytes.append(0)
    }

    /// Starts a message: its type byte (if any) and a placeholder for the length.
    mutating func beginMessage(type: UInt8?) -> Int {
        if let type { bytes.append(type) }
        let lengthOffset = bytes.count
        int32(0)
        return lengthOffset
    }

    /// Fills in the length of the message begun at `lengthOffset` (it counts itself, not the type byte).
    mutating func endMessage(lengthOffset: Int) throws(PostgresError) {
        let length = bytes.count - lengthOffset
        guard length <= Int(Int32.max) else { throw .invalidRequest("a message is longer than 2 GiB") }
        let bits = UInt32(length)
        bytes[lengthOffset] = UInt8(bits >> 24)
        bytes[lengthOffset + 1] = UInt8((bits >> 16) & 0xFF)
        bytes[lengthOffset + 2] = UInt8((bits >> 8) & 0xFF)
        bytes[lengthOffset + 3] = UInt8(bits & 0xFF)
    }
}
