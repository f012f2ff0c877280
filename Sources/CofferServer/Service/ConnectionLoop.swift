import CofferProtocol
import CofferStore

/// Serves one connection on its own thread: reads request lines, answers each in order, and
/// closes where the contract says so (`QUIT`, `TOO_LONG`, the third failed `AUTH`, idle timeout).
///
/// Replies are queued and flushed once no further complete request is already buffered, so a
/// client that pipelines a thousand lines gets its replies in a few TLS records, still in order.
/// The writes among those lines are all handed to the writer before the first is waited for, so
/// they share group commits (`Session+Pipeline.swift`).
///
/// Hardening against abusive peers (docs/RELIABILITY.md):
/// - where `limits.maxLineBytesBeforeAuth` is set (the production example sets 4096), an
///   unauthenticated session may send lines of at most that many bytes: a stranger cannot make
///   the server buffer 64 KiB lines before it has proved who it is. Nothing legitimate before
///   `AUTH` is long (`AUTH <token>` is ~50 bytes). Off by default, since the contract gives every
///   session `maxLineBytes`.
/// - a peer that stops reading its replies is disconnected, not buffered without limit: queued
///   output is written whenever it passes 64 KiB (`TLSConnection.enqueue`), that write gives up
///   after the idle timeout, and from then on no further request of the connection is executed.
enum ConnectionLoop {
    /// The most replies a connection may owe (writes in flight) before it waits for them: bounds
    /// what one client holds in the write queue, and the replies it has not been sent yet.
    static let maximumOwedReplies = 256

    static func serve(_ connection: TLSConnection, session: Session, maxLineBytes: Int, maxLineBytesBeforeAuth: Int?) {
        defer { connection.close() }
        let anonymousLimit = min(maxLineBytes, maxLineBytesBeforeAuth ?? maxLineBytes)
        /// Sends what is owed; false once the peer is no longer reading.
        func answer(_ replies: [Reply]) -> Bool {
            for reply in replies { connection.enqueue(reply.wire) }
            return !connection.hasWriteFailure
        }
        while true {
            // A session whose token was revoked meanwhile counts as unauthenticated again.
            let authenticated = (try? session.currentPrincipal()) != nil
            let limit = authenticated ? maxLineBytes : anonymousLimit
            switch connection.readLine(limit: limit) {
            case .line(let line):
                let outcome = session.receive(line: line, deliver: answer)
                // The peer stopped reading: executing more of its requests would change data
                // whose acknowledgements can never reach it.
                guard answer(outcome.replies) else { _ = session.settle(); return }
                // Before the connection would wait for more input, or when it owes many replies,
                // it waits for its writes' commits and answers them.
                if outcome.close || !connection.hasBufferedLine || session.owedReplies >= maximumOwedReplies {
                    guard answer(session.settle()) else { return }
                    do { try connection.flush() } catch { return }
                }
                if outcome.close { return }
            case .tooLong:
                _ = answer(session.settle())
                connection.enqueue(Reply.error(.tooLong, "request line longer than \(limit) bytes").wire)
                try? connection.flush()
                return
            case .closed, .timedOut:
                _ = answer(session.settle())
                try? connection.flush()
                return
            }
        }
    }
}
