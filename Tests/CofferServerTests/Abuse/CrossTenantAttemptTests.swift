import Foundation
import XCTest

/// Issue 7: generated cross-tenant and cross-subject attempts. Three tenants with three subjects
/// each; every actor (the operator, each tenant administrator, each subject) fires random
/// commands at data that is not its own. Every attempt must be refused with the contract's code,
/// and afterwards every subject's data, token and policy is exactly as before.
///
/// CI runs `AbuseBudget.isolationAttempts` (2,000); `Tests/Fuzz/run-abuse.sh` runs 10,000.
final class CrossTenantAttemptTests: E2ETestCase {
    private let tenants = ["alpha", "beta", "gamma"]

    private func subjects(of tenant: String) -> [String] {
        (0..<3).map { "\(tenant)-\($0)@example.com" }
    }

    func testGeneratedAttemptsOnOthersDataAreAllRefusedAndChangeNothing() throws {
        let server = try startServer()
        var random = SeededGenerator(seed: AbuseBudget.seed)
        var admins: [String: E2EClient] = [:]
        var subjectClients: [(tenant: String, subject: String, token: String, client: E2EClient)] = []
        var snapshots: [String: String] = [:]
        for tenant in tenants {
            let (_, admin) = try makeTenant(tenant, on: server)
            admins[tenant] = admin
            // Self-edit on for two tenants, so a subject's refusal is about whose data it is.
            assertReply(try admin.request(words: ["POLICY", "SET", "subject_self_edit", tenant == "gamma" ? "off" : "on"]), "OK")
            for subject in subjects(of: tenant) {
                assertReply(try admin.request(words: ["SET", subject, "phone", "+41 \(random.next())", "city", "c\(random.next())"]), "OK")
                snapshots[subject] = try admin.request(words: ["EXPORT", subject])
                let token = try issueToken(subject, by: admin)
                subjectClients.append((tenant, subject, token, try server.connect(token: token)))
            }
        }
        let operatorClient = try server.connectAsOperator()
        let tenantListBefore = try operatorClient.request("TENANT LIST")

        let total = AbuseBudget.isolationAttempts
        var refusedByCode: [String: Int] = [:]
        for number in 0..<total {
            let victimTenant = tenants[random.below(tenants.count)]
            let victim = subjects(of: victimTenant)[random.below(3)]
            let client: E2EClient
            let actor: IsolationAttempt.Actor
            switch random.below(3) {
            case 0:
                client = operatorClient
                actor = .operator
            case 1:
                let own = tenants.filter { $0 != victimTenant }[random.below(2)]
                client = try XCTUnwrap(admins[own])
                actor = .tenant(own)
            default:
                let others = subjectClients.filter { $0.subject != victim }
                let chosen = others[random.below(others.count)]
                client = chosen.client
                actor = .subject(tenant: chosen.tenant, subject: chosen.subject)
            }
            let attempt = IsolationAttempt.generate(actor: actor, victimTenant: victimTenant, victim: victim, using: &random)
            let reply = try client.request(attempt.line)
            guard E2EClient.errorCode(reply) == attempt.expectedCode else {
                XCTFail("attempt \(number) (seed \(AbuseBudget.seed)) by \(actor): \(attempt.line) answered "
                        + "\(E2EClient.redacted(reply)), expected ERR \(attempt.expectedCode)")
                return
            }
            refusedByCode[attempt.expectedCode, default: 0] += 1
        }
        XCTAssertEqual(refusedByCode.values.reduce(0, +), total)
        print("isolation attempts refused: \(total) (\(refusedByCode.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))")

        // Nothing of anyone changed: data, tokens, policies, the tenant list.
        for tenant in tenants {
            let admin = try XCTUnwrap(admins[tenant])
            for subject in subjects(of: tenant) {
                XCTAssertEqual(try admin.request(words: ["EXPORT", subject]), snapshots[subject], "\(subject) is unchanged")
            }
            assertValue(try admin.request("POLICY GET"), ["subject_self_edit": .bool(tenant != "gamma")])
        }
        for entry in subjectClients {
            let fresh = try server.connect()
            assertObject(try fresh.auth(entry.token), ["role": "subject", "subject": .string(entry.subject)],
                         "the token of \(entry.subject) still works")
        }
        XCTAssertEqual(try operatorClient.request("TENANT LIST"), tenantListBefore)
    }
}
