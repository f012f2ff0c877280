/// Something whose bytes can be read in place: arrays, slices and `SecureBytes`.
///
/// Lets the primitives take plaintext, associated data and ciphertext without copying,
/// and without Foundation's `ContiguousBytes`.
public protocol ContiguousByteSource {
    func withByteBuffer<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R
}

extension Array: ContiguousByteSource where Element == UInt8 {
    public func withByteBuffer<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { withUnsafeBytes(body) }
}

extension ArraySlice: ContiguousByteSource where Element == UInt8 {
    public func withByteBuffer<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { withUnsafeBytes(body) }
}

extension SecureBytes: ContiguousByteSource {
    public func withByteBuffer<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { withUnsafeBytes(body) }
}

extension UnsafeRawBufferPointer: ContiguousByteSource {
    public func withByteBuffer<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R { body(self) }
}
