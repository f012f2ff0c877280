/// An unambiguous byte encoding for MAC messages and sealed details: fixed-width integers,
/// length-prefixed strings and blobs, and a presence byte before every optional value, so no two
/// different records can encode to the same bytes.
struct CanonicalBytes {
    private(set) var bytes: [UInt8] = []

    init() {}

    mutating func append(_ value: Int64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: UInt64(bitPattern: value) >> UInt64(shift))) }
    }

    mutating func append(_ blob: [UInt8]) {
        append(Int64(blob.count))
        bytes += blob
    }

    mutating func append(_ text: String) { append(Array(text.utf8)) }

    mutating func append(_ value: Int64?) {
        guard let value else { return bytes.append(0) }
        bytes.append(1)
        append(value)
    }

    mutating func append(_ blob: [UInt8]?) {
        guard let blob else { return bytes.append(0) }
        bytes.append(1)
        append(blob)
    }

    mutating func append(_ text: String?) { append(text.map { Array($0.utf8) }) }

    /// Appends raw bytes without a length (for fixed-size items such as a label or a MAC).
    mutating func appendRaw(_ raw: [UInt8]) { bytes += raw }
}

/// Reads what `CanonicalBytes` wrote; every read fails (nil) instead of running past the end.
struct CanonicalReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func int64() -> Int64? {
        guard bytes.count - offset >= 8 else { return nil }
        var value: UInt64 = 0
        for byte in bytes[offset..<(offset + 8)] { value = value << 8 | UInt64(byte) }
        offset += 8
        return Int64(bitPattern: value)
    }

    mutating func blob() -> [UInt8]? {
        guard let count = int64(), count >= 0, count <= bytes.count - offset else { return nil }
        defer { offset += Int(count) }
        return Array(bytes[offset..<(offset + Int(count))])
    }

    mutating func string() -> String? { blob().map { String(decoding: $0, as: UTF8.self) } }

    /// An optional string: `.some(nil)` when absent, nil when malformed.
    mutating func optionalString() -> String?? {
        guard offset < bytes.count else { return nil }
        let present = bytes[offset]
        offset += 1
        switch present {
        case 0: return .some(nil)
        case 1: return string().map { .some($0) }
        default: return nil
        }
    }

    /// An optional integer: `.some(nil)` when absent, nil when malformed.
    mutating func optionalInt64() -> Int64?? { optional { $0.int64() } }

    /// An optional blob: `.some(nil)` when absent, nil when malformed.
    mutating func optionalBlob() -> [UInt8]?? { optional { $0.blob() } }

    private mutating func optional<T>(_ read: (inout CanonicalReader) -> T?) -> T?? {
        guard offset < bytes.count else { return nil }
        let present = bytes[offset]
        offset += 1
        switch present {
        case 0: return .some(nil)
        case 1: return read(&self).map { .some($0) }
        default: return nil
        }
    }
}
