import Foundation
import CofferClient

/// One writer client of a crash trial: on its own connection, as the tenant administrator, it
/// sends `SET <subject> a <v> b <v>` with a value no other write uses to the subjects it owns
/// (`w<index>-s<n>`), and records each value in the ledger before sending and again once `OK`
/// arrived. With `pipeline` above 1 it sends that many `SET`s at once, to distinct subjects (the
/// ledger keeps one write in flight per subject), and then reads their replies. It stops when
/// the connection dies (the server was killed).
struct CrashWriter: Sendable {
    let index: Int
    let trial: Int
    let subjectsPerWriter: Int
    let tenantToken: String
    let client: ClientConfiguration
    let ledger: CrashLedger
    let stop: CrashStopFlag
    let seed: UInt64
    var pipeline = 1

    static func subject(writer: Int, number: Int) -> String { "w\(writer)-s\(number)" }

    func run() {
        var random = SeededGenerator(seed: seed)
        guard let connection = try? CofferConnection(configuration: client) else { return }
        defer { connection.close() }
        do {
            let reply = try connection.request("AUTH " + tenantToken)
            guard reply.hasPrefix("OK ") else {
                return ledger.problem("writer \(index): AUTH answered \(E2EClient.errorCode(reply) ?? "?")")
            }
            var number = 0
            while !stop.isSet {
                // `pipeline` distinct subjects: the ledger keeps one write in flight per subject.
                var sent: [(subject: String, value: String)] = []
                for owned in (0..<subjectsPerWriter).shuffled(using: &random).prefix(pipeline) {
                    number += 1
                    let subject = Self.subject(writer: index, number: owned)
                    let value = "t\(trial)-w\(index)-n\(number)"
                    ledger.willWrite(subject, value: value)
                    sent.append((subject, value))
                }
                let batch = sent.map { RequestLine.make(["SET", $0.subject, "a", $0.value, "b", $0.value]) + "\n" }.joined()
                try connection.send(raw: Array(batch.utf8))
                for (subject, value) in sent {
                    guard let reply = try connection.readReplyLine() else { return }  // the server is gone
                    guard reply == "OK" else {
                        return ledger.problem("writer \(index): SET answered \(E2EClient.errorCode(reply) ?? "?")")
                    }
                    ledger.acknowledged(subject, value: value)
                }
            }
        } catch {
            // The server is gone: the write in flight stays unacknowledged.
        }
    }
}
