import COpenSSL

/// Reads and clears OpenSSL's per-thread error queue: the one place in Coffer that drains it
/// (CofferCrypto's `CryptoError`, CofferTLS's `TLSError` and `SSLCallStatus` all call it).
///
/// The queue is per thread, and an entry left behind would be blamed on the next, unrelated
/// call, so every failure path drains it and every success path that may leave entries clears it.
public enum OpenSSLErrorQueue {
    /// Returns the queued errors as text, oldest first, and leaves the queue empty.
    /// The strings are OpenSSL's library and reason names only (no error "data"), so they
    /// never carry secrets.
    public static func drain() -> [String] {
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

    /// Empties the queue without reading it (before a call whose failure will be drained, or
    /// after a failure that is expected and reported otherwise).
    public static func clear() {
        ERR_clear_error()
    }
}
