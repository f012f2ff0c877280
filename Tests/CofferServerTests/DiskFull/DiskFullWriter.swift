import Foundation
import CofferClient

/// A writer client for the disk-full test: like `CrashWriter`, but it expects `ERR INTERNAL`
/// while the disk is full and goes on writing, so that it sees the service resume.
struct DiskFullWriter: Sendable {
    let index: Int
    let subjects: Int
    let tenantToken: String
    let client: ClientConfiguration
    let ledger: CrashLedger
    let stop: CrashStopFlag

    func run() {
        guard let connection = try? CofferConnection(configuration: client) else {
            return ledger.problem("writer \(index) could not connect")
        }
        defer { connection.close() }
        do {
            guard try connection.request("AUTH " + tenantToken).hasPrefix("OK ") else {
                return ledger.problem("writer \(index): AUTH refused")
            }
            var number = 0
            while !stop.isSet {
                number += 1
                let subject = CrashWriter.subject(writer: index, number: number % subjects)
                let value = "w\(index)-n\(number):" + String(repeating: "x", count: 6000)
                ledger.willWrite(subject, value: value)
                let reply = try connection.request(RequestLine.make(["SET", subject, "a", value, "b", value]))
                if reply == "OK" {
                    ledger.acknowledged(subject, value: value)
                } else if E2EClient.errorCode(reply) == "INTERNAL" {
                    ledger.refused(subject)
                    Thread.sleep(forTimeInterval: 0.005)
                } else {
                    return ledger.problem("writer \(index): SET answered \(E2EClient.errorCode(reply) ?? "?")")
                }
            }
        } catch {
            ledger.problem("writer \(index): the connection failed: \(error)")
        }
    }
}
