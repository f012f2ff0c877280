import Foundation
import CofferClient

/// The client that runs a variant's rotation or shred beside the writers of a crash trial.
struct CrashDisturber: Sendable {
    let variant: CrashVariant
    let token: String
    let client: ClientConfiguration
    let ledger: CrashLedger
    let stop: CrashStopFlag
    /// For `tenantShred`: the tenant to shred, and how long after the start to send it.
    let victim: String?
    let shredDelay: Double

    func run() {
        guard variant != .writes, let connection = try? CofferConnection(configuration: client) else { return }
        defer { connection.close() }
        do {
            let reply = try connection.request("AUTH " + token)
            guard reply.hasPrefix("OK ") else {
                return ledger.problem("\(variant): AUTH answered \(E2EClient.errorCode(reply) ?? "?")")
            }
            if let command = variant.rotationCommand {
                try rotate(command, on: connection)
            } else if let victim {
                Thread.sleep(forTimeInterval: shredDelay)
                let reply = try connection.request(RequestLine.make(["TENANT", "SHRED", victim]))
                guard reply.hasPrefix("OK ") else {
                    return ledger.problem("TENANT SHRED answered \(E2EClient.errorCode(reply) ?? "?")")
                }
                ledger.shredWasAcknowledged()
            }
        } catch {
            // The server is gone: a command in flight stays unacknowledged.
        }
    }

    private func rotate(_ command: String, on connection: CofferConnection) throws {
        while !stop.isSet {
            let reply = try connection.request(command)
            guard reply.hasPrefix("OK ") else {
                return ledger.problem("\(command) answered \(E2EClient.errorCode(reply) ?? "?")")
            }
            let version = (try? E2EJSON.parse(okReply: reply))?["version"].flatMap { value -> Int? in
                if case .int(let number) = value { return number }
                return nil
            }
            ledger.rotationAcknowledged(command, version: version)
            // A re-encryption runs in the background; asking again at once only hears "running".
            Thread.sleep(forTimeInterval: variant == .dataRotation ? 0.03 : 0.005)
        }
    }
}
