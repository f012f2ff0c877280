import CofferProtocol
import CofferStore

/// A reply owed for an earlier request line of a pipeline.
enum AwaitedReply {
    /// Known already, but queued behind writes still in flight.
    case ready(Reply)
    /// A `SET` or `DEL` handed to the writer: `OK` once its group commit is durable.
    case write(PendingWrite, AuditEvent)
}

/// Pipelined writes.
///
/// A client that pipelines requests lets its connection read many lines before it answers any.
/// `SET` and `DEL` lines are handed to the writer as they are read, without waiting, so that one
/// group commit carries all of them (and the other connections' writes) for one fsync; their
/// replies are owed until `settle()`, which waits for each commit in request order. Every
/// other command settles first, so it sees the effect of every earlier line of its connection:
/// `SET` then `GET` on one connection reads the new value, as if each line ran alone.
/// Nothing is acknowledged before it is durable: an owed `OK` is only produced by `settle()`,
/// after the write's commit.
extension Session {
    /// Takes one request line; returns the replies now due, in request order.
    ///
    /// Before a command other than a write runs, the replies owed so far are passed to `deliver`
    /// (which sends them); when it returns false (the peer stopped reading), the command is not
    /// run and the outcome says to close.
    func receive(line: some Collection<UInt8>, deliver: ([Reply]) -> Bool) -> Outcome {
        let command: Command
        do {
            guard let parsed = try RequestParser.parse(line: line) else { return Outcome() }
            command = parsed
        } catch {
            return owe(.ready(Reply(error)))
        }
        // Anything but a write runs after the writes before it are durable and answered.
        if !Self.isPipelinedWrite(command) && !awaited.isEmpty {
            guard deliver(settle()) else { return Outcome(close: true) }
        }
        do {
            switch try execute(command) {
            case .done(let reply, let close):
                return Outcome(replies: [reply], close: close)
            case .pending(let write, let event):
                return owe(.write(write, event))
            }
        } catch {
            return owe(.ready(reply(for: error)))
        }
    }

    /// Number of replies owed for lines already taken.
    var owedReplies: Int { awaited.count }

    /// Waits for every write in flight and returns the owed replies, in request order. A write
    /// that failed is answered with its error and audited as refused.
    func settle() -> [Reply] {
        guard !awaited.isEmpty else { return [] }
        let owed = awaited
        awaited.removeAll(keepingCapacity: true)
        return owed.map { item in
            switch item {
            case .ready(let reply):
                return reply
            case .write(let write, let event):
                do {
                    try write.wait()
                    return .ok
                } catch {
                    recordRefusal(event, error)
                    return reply(for: error)
                }
            }
        }
    }

    /// A reply for this line: sent now when nothing is owed before it, else queued behind.
    private func owe(_ item: AwaitedReply) -> Outcome {
        if awaited.isEmpty, case .ready(let reply) = item { return Outcome(replies: [reply]) }
        awaited.append(item)
        return Outcome()
    }

    static func isPipelinedWrite(_ command: Command) -> Bool {
        switch command {
        case .set, .del: return true
        default: return false
        }
    }
}
