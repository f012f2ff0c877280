/// Cuts the server's byte stream into messages.
///
/// Bytes arrive in chunks of any size (`append`); `next()` returns a message once all of it
/// is there, and nil while it is incomplete. A length below 4 or above `maximumMessageBytes`
/// is refused before anything is buffered for it, so a hostile or broken server cannot make
/// the client allocate without bound.
struct PostgresMessageDecoder {
    /// The largest message body accepted.
    let maximumMessageBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0

    init(maximumMessageBytes: Int) {
        self.maximumMessageBytes = maximumMessageBytes
    }

    /// Bytes received but not yet returned as a message.
    var bufferedByteCount: Int { buffer.count - start }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next complete message, or nil if more bytes are needed.
    mutating func next() throws(PostgresError) -> PostgresBackendMessage? {
        guard bufferedByteCount >= 5 else { return nil }
        let type = buffer[start]
        var length = 0
        for offset in 1...4 { length = length << 8 | Int(buffer[start + offset]) }
        guard length >= 4, length <= Int(Int32.max) else { throw .protocolViolation("a message length of \(length)") }
        guard length - 4 <= maximumMessageBytes else { throw .messageTooLarge(length: length - 4, maximum: maximumMessageBytes) }
        guard bufferedByteCount >= 1 + length else { return nil }
        let body = buffer[(start + 5)..<(start + 1 + length)]
        start += 1 + length
        let message = try PostgresBackendMessage.decode(type: type, body: body)
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
        }
        return message
    }
}
