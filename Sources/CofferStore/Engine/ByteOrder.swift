/// The contract sorts names by the bytes of their UTF-8 encoding, with no Unicode normalisation.
/// Swift's `String <` compares by Unicode canonical equivalence, which is different.
enum ByteOrder {
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Byte-for-byte equality (Swift's `==` would equate canonically equivalent strings).
    static func equal(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }
}
