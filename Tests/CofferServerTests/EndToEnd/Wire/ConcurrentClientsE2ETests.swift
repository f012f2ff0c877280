import Foundation
import XCTest
import CofferClient

/// Several clients at once: every acknowledged write is readable afterwards, and each client
/// gets its own replies in its own order.
final class ConcurrentClientsE2ETests: E2ETestCase {
    /// Problems seen on worker threads, asserted on the test's thread afterwards.
    // @unchecked Sendable: `problems` is only touched while holding `lock`.
    private final class Problems: @unchecked Sendable {
        private let lock = NSLock()
        private var problems: [String] = []
        func add(_ problem: String) { lock.lock(); problems.append(problem); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return problems }
    }

    func testConcurrentWritersAndReadersEachGetTheirOwnRepliesAndLoseNothing() throws {
        let server = try startServer()
        let (adminToken, admin) = try makeTenant("acme", on: server)
        try admin.request(words: ["SET", "shared", "greeting", "hello"])
        let configuration = server.clientConfiguration(timeoutSeconds: 20)
        let problems = Problems()
        let clients = 4
        let writes = 60

        DispatchQueue.concurrentPerform(iterations: clients) { client in
            do {
                let connection = try CofferConnection(configuration: configuration)
                defer { connection.close() }
                guard try connection.request("AUTH " + adminToken).hasPrefix("OK ") else {
                    problems.add("client \(client): AUTH refused")
                    return
                }
                // Half the writes one by one, half pipelined, with reads of a shared subject between.
                for index in 0..<(writes / 2) {
                    let reply = try connection.request("SET client\(client) f\(index) \"c\(client)-\(index)\"")
                    if reply != "OK" { problems.add("client \(client) SET f\(index): \(reply)") }
                    let read = try connection.request("GET shared greeting")
                    if read != #"OK "hello""# { problems.add("client \(client) GET shared: \(read)") }
                }
                let burst = ((writes / 2)..<writes).map { "SET client\(client) f\($0) \"c\(client)-\($0)\"\nGET client\(client) f\($0)\n" }
                try connection.send(raw: Array(burst.joined().utf8))
                for index in (writes / 2)..<writes {
                    let set = try connection.readReplyLine()
                    let get = try connection.readReplyLine()
                    if set != "OK" { problems.add("client \(client) pipelined SET f\(index): \(set ?? "closed")") }
                    if get != "OK \"c\(client)-\(index)\"" { problems.add("client \(client) pipelined GET f\(index): \(get ?? "closed")") }
                }
            } catch {
                problems.add("client \(client): \(error)")
            }
        }
        XCTAssertEqual(problems.all, [])

        for client in 0..<clients {
            let export = try E2EJSON.parse(okReply: admin.request("EXPORT client\(client)"))
            var expected: [String: E2EJSON] = [:]
            for index in 0..<writes { expected["f\(index)"] = .string("c\(client)-\(index)") }
            XCTAssertEqual(export["fields"], .object(expected), "client \(client)'s writes")
        }
        let op = try server.connectAsOperator()
        assertValue(try op.request("TENANT LIST"), [["tenant": "acme", "subjects": .int(clients + 1)]])
    }
}
