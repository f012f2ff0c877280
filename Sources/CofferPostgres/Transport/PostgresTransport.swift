import CofferTLS

/// A byte stream to the server: plain (`PostgresSocketTransport`) or TLS
/// (`PostgresTLSTransport`). The connection sees only this, so tests can put a fake server
/// behind a socket pair.
///
/// Every call is bounded by the deadline it is given. Used from one thread at a time.
protocol PostgresTransport: AnyObject {
    /// Writes every byte, or throws (`.timeout` when the peer does not take them by `deadline`).
    func write(_ bytes: UnsafeRawBufferPointer, until deadline: IODeadline) throws(PostgresError)
    /// Reads at least one byte into `buffer` and returns how many; throws
    /// `.connectionClosed(midMessage: false)` at the end of the stream and `.timeout` when
    /// nothing arrives by `deadline`.
    func read(into buffer: UnsafeMutableRawBufferPointer, until deadline: IODeadline) throws(PostgresError) -> Int
    /// True when input is waiting or the peer has closed: on an idle connection, where the
    /// server has nothing to say, that means the session is over (a shutdown, a restart).
    func hasPendingInputOrHangUp() -> Bool
    /// Closes the stream; idempotent.
    func close()
}

extension PostgresTransport {
    /// Writes every byte of `bytes`.
    func write(_ bytes: [UInt8], until deadline: IODeadline) throws(PostgresError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(PostgresError) in try write(buffer, until: deadline) }
        }
        try result.get()
    }
}
