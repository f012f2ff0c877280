import CofferProtocol
import CofferStore

/// Serves one connection on its own thread: reads request lines, answers each in order, and
/// closes where the contract says so (`QUIT`, `TOO_LONG`, the third failed `AUTH`, idle timeout).
///
/// Replies are queued and flushed once no further complete request is already buffered, so a
/// client that pipelines a thousand lines gets its replies in a few TLS records, still in order.
enum ConnectionLoop {
    static func serve(_ connection: TLSConnection, session: Session, maxLineBytes: Int) {
        defer { connection.close() }
        while true {
            switch connection.readLine(limit: maxLineBytes) {
            case .line(let line):
                let outcome = session.handle(line: line)
                if let reply = outcome.reply { connection.enqueue(reply.wire) }
                if outcome.close || !connection.hasBufferedLine {
                    do { try connection.flush() } catch { return }
                }
                if outcome.close { return }
            case .tooLong:
                connection.enqueue(Reply.error(.tooLong, "request line longer than \(maxLineBytes) bytes").wire)
                try? connection.flush()
                return
            case .closed, .timedOut:
                try? connection.flush()
                return
            }
        }
    }
}
