/// Strict UTF-8 validation of one multi-byte sequence (Unicode Table 3-7): no overlong
/// forms, no encoded surrogates, nothing above U+10FFFF, no stray continuation bytes.
enum UTF8Validation {
    /// The length of the valid sequence whose lead byte (>= 0x80) is at `index`, or nil
    /// if the bytes there are not well-formed UTF-8. Reads nothing at or past `end`.
    @inline(__always)
    static func sequenceLength(in bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Int? {
        let lead = bytes[index]
        // The allowed range of the second byte depends on the lead; the rest are 80...BF.
        let length: Int
        let secondLow: UInt8
        let secondHigh: UInt8
        switch lead {
        case 0xC2...0xDF: length = 2; secondLow = 0x80; secondHigh = 0xBF
        case 0xE0: length = 3; secondLow = 0xA0; secondHigh = 0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; secondLow = 0x80; secondHigh = 0xBF
        case 0xED: length = 3; secondLow = 0x80; secondHigh = 0x9F
        case 0xF0: length = 4; secondLow = 0x90; secondHigh = 0xBF
        case 0xF1...0xF3: length = 4; secondLow = 0x80; secondHigh = 0xBF
        case 0xF4: length = 4; secondLow = 0x80; secondHigh = 0x8F
        default: return nil  // 80...C1 (continuation or overlong lead), F5...FF
        }
        guard end - index >= length else { return nil }
        let second = bytes[index + 1]
        guard second >= secondLow, second <= secondHigh else { return nil }
        var position = index + 2
        while position < index + length {
            guard bytes[position] & 0xC0 == 0x80 else { return nil }
            position += 1
        }
        return length
    }
}
