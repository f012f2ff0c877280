import COpenSSL

/// Bytes that are wiped with `OPENSSL_cleanse` when the last reference goes away.
///
/// Key material lives only here: never in an `Array`, a `String` or a `Data`, whose
/// copies the runtime may leave behind in freed memory. The storage is immutable after
/// initialisation, so copies of a `SecureBytes` share one buffer safely.
public struct SecureBytes: Sendable {
    private let storage: Storage

    /// Allocates `count` bytes and lets `initializer` fill them.
    public init<E: Error>(
        count: Int,
        initializer: (UnsafeMutableRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        let storage = Storage(count: count)
        try initializer(storage.buffer)
        self.storage = storage
    }

    /// Copies `bytes` into zeroizing storage. The caller remains responsible for the source.
    public init(copying bytes: UnsafeRawBufferPointer) {
        let storage = Storage(count: bytes.count)
        if let base = bytes.baseAddress, bytes.count > 0 {
            storage.buffer.baseAddress!.copyMemory(from: base, byteCount: bytes.count)
        }
        self.storage = storage
    }

    /// Copies `bytes` and wipes the source array in place.
    public init(consuming bytes: inout [UInt8]) {
        self = bytes.withUnsafeBytes { SecureBytes(copying: $0) }
        bytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
        bytes.removeAll()
    }

    /// The number of bytes.
    public var count: Int { storage.buffer.count }

    /// Gives read access to the bytes for the duration of `body`; do not let the pointer escape.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(storage.buffer))
    }

    /// Compares in time that depends only on the lengths, never on the contents.
    public func constantTimeEquals(_ other: SecureBytes) -> Bool {
        withUnsafeBytes { mine in other.withUnsafeBytes { theirs in ConstantTime.equals(mine, theirs) } }
    }
}

extension SecureBytes {
    /// Owns the allocation and wipes it in `deinit`.
    ///
    /// `@unchecked Sendable`: the buffer is written only inside `SecureBytes.init`, before
    /// the storage is shared; afterwards it is only read, so concurrent access is safe.
    fileprivate final class Storage: @unchecked Sendable {
        let buffer: UnsafeMutableRawBufferPointer

        init(count: Int) {
            buffer = .allocate(byteCount: max(count, 0), alignment: 16)
            if count > 0 { buffer.initializeMemory(as: UInt8.self, repeating: 0) }
        }

        deinit {
            OPENSSL_cleanse(buffer.baseAddress, buffer.count)
            buffer.deallocate()
        }
    }
}

extension SecureBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "SecureBytes(\(count) bytes, redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
