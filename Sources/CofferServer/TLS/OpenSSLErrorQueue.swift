import COpenSSL

/// Reads and clears OpenSSL's per-thread error queue.
enum OpenSSLErrorQueue {
    /// Returns the queued errors as text, oldest first, and leaves the queue empty.
    /// The strings are OpenSSL's library and reason names only (no error "data"), so they
    /// never carry secrets.
    static func drain() -> [String] {
        var lines: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            lines.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        ERR_clear_error()
        return lines
    }
}
