import Foundation
import XCTest

/// CONTRACT.md protocol 2, §5–6 "Enrollment": the operator never holds a tenant admin token;
/// the tenant claims it, and rotates it; a new admin token is pending until its first `AUTH`.
final class EnrollmentE2ETests: E2ETestCase {
    private func token(_ reply: String, _ member: String = "token") throws -> String {
        try XCTUnwrap(E2EJSON.parse(okReply: reply)[member]?.stringValue, "\(member) of \(E2EClient.redacted(reply))")
    }

    func testHelloSaysProtocolTwo() throws {
        let server = try startServer()
        assertObject(try server.connect().request("HELLO"), ["server": "coffer", "protocol": 2])
    }

    func testTheEnrollmentRoleCanOnlyClaimItsTenant() throws {
        let server = try startServer()
        let enrollment = try enrollTenant("acme", on: server)
        let tenant = try server.connect()
        assertValue(try tenant.auth(enrollment), ["role": "enrollment", "tenant": "acme"])
        assertValue(try tenant.request("WHOAMI"), ["role": "enrollment", "tenant": "acme"])
        for line in ["SUBJECT ADD alice", "SUBJECT LIST", "SET alice phone 1", "GET alice phone", "EXPORT alice", "FIND phone 1",
                     "TOKEN ISSUE alice", "POLICY GET", "KEY ROTATE", "ADMIN ROTATE", "AUDIT", "REQUEST LIST", "TENANT LIST",
                     "TENANT CREATE beta", "TENANT ENROLL acme", "MASTER ROTATE", "TENANT SHRED acme", "REQUEST ERASURE"] {
            assertError(try tenant.request(line), "FORBIDDEN", line)
        }
        assertReply(try tenant.request("PING"), #"OK "PONG""#)
    }

    func testTenantClaimByAnyOtherRoleIsForbiddenAndAnonymouslyNeedsAuth() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertError(try server.connect().request("TENANT CLAIM"), "AUTH_REQUIRED")
        assertError(try server.connectAsOperator().request("TENANT CLAIM"), "FORBIDDEN")
        assertError(try admin.request("TENANT CLAIM"), "FORBIDDEN")
        assertReply(try admin.request("SUBJECT ADD alice"), "OK")
        let subject = try server.connect(token: try issueToken("alice", by: admin))
        assertError(try subject.request("TENANT CLAIM"), "FORBIDDEN")
        assertError(try server.connect().request("TENANT CLAIM now"), "SYNTAX")
    }

    func testAClaimIsPendingUntilItsFirstAuthAndThenEndsTheEnrollment() throws {
        let server = try startServer()
        let enrollment = try enrollTenant("acme", on: server)
        let claimer = try server.connect(token: enrollment)
        let lost = try token(try claimer.request("TENANT CLAIM"))
        let reply = try claimer.request("TENANT CLAIM")
        assertObject(reply, ["tenant": "acme"])
        let admin = try token(reply)
        XCTAssertNotEqual(lost, admin)
        assertError(try server.connect().auth(lost), "AUTH_FAILED", "each claim replaces the pending token")
        let other = try server.connect(token: enrollment)  // the enrollment token works until the claim is used

        let adminSession = try server.connect()
        assertValue(try adminSession.auth(admin), ["role": "tenant", "tenant": "acme"])
        assertReply(try adminSession.request("SUBJECT ADD alice"), "OK")
        assertError(try server.connect().auth(enrollment), "AUTH_FAILED", "claimed: the enrollment token is dead")
        for session in [claimer, other] {
            assertValue(try session.request("WHOAMI"), ["role": "anonymous"], "sessions of the enrollment token end")
            assertError(try session.request("TENANT CLAIM"), "AUTH_REQUIRED")
        }
    }

    func testTenantEnrollReplacesTheEnrollmentOfAnUnclaimedTenantOnly() throws {
        let server = try startServer()
        let op = try server.connectAsOperator()
        let first = try token(try op.request("TENANT CREATE acme"), "enrollment")
        let waiting = try server.connect(token: first)
        let reply = try op.request("TENANT ENROLL acme")
        assertObject(reply, ["tenant": "acme"])
        XCTAssertNil(try E2EJSON.parse(okReply: reply)["token"], "never an admin token")
        let second = try token(reply, "enrollment")
        assertError(try server.connect().auth(first), "AUTH_FAILED")
        assertValue(try waiting.request("WHOAMI"), ["role": "anonymous"])
        _ = try claimTenant(enrollment: second, on: server)
        assertError(try op.request("TENANT ENROLL acme"), "EXISTS", "claimed")
        assertError(try op.request("TENANT ENROLL nobody"), "NOT_FOUND")
        assertError(try op.request("TENANT ENROLL Bad_Name"), "INVALID")
        let admin = try server.connect(token: try createTenant("beta", on: server))
        assertError(try admin.request("TENANT ENROLL beta"), "FORBIDDEN")
    }

    func testAdminRotateKeepsTheOldTokenUntilTheNewOneIsUsedThenEndsItsSessions() throws {
        let server = try startServer()
        let (old, rotating) = try makeTenant("acme", on: server)
        let bystander = try server.connect(token: old)
        let lost = try token(try rotating.request("ADMIN ROTATE"))
        let reply = try rotating.request("ADMIN ROTATE")
        assertObject(reply, ["tenant": "acme"])
        let new = try token(reply)
        assertError(try server.connect().auth(lost), "AUTH_FAILED", "a second ADMIN ROTATE replaces the pending token")
        assertReply(try rotating.request("SUBJECT ADD alice"), "OK", "the old token works until the new one is used")
        assertValue(try server.connect().auth(old), ["role": "tenant", "tenant": "acme"])

        let fresh = try server.connect()
        assertValue(try fresh.auth(new), ["role": "tenant", "tenant": "acme"])
        assertError(try server.connect().auth(old), "AUTH_FAILED")
        for session in [rotating, bystander] {
            assertError(try session.request("SUBJECT LIST"), "AUTH_REQUIRED", "every session of the old token, the rotating one included")
        }
        assertLastPage(try fresh.request("SUBJECT LIST"), ["alice"])
    }

    func testTheOperatorNeverHoldsAnAdminTokenAndCannotRotateOne() throws {
        let server = try startServer()
        let op = try server.connectAsOperator()
        let reply = try op.request("TENANT CREATE acme")
        XCTAssertNil(try E2EJSON.parse(okReply: reply)["token"])
        assertError(try op.request("ADMIN ROTATE"), "FORBIDDEN")
        let enrollment = try token(reply, "enrollment")
        let operatorAsEnrollment = try server.connect(token: enrollment)
        assertError(try operatorAsEnrollment.request("EXPORT alice"), "FORBIDDEN", "an enrollment token reads nothing")
    }

    func testOperatorRotateReplacesTheOperatorTokenAtItsFirstUse() throws {
        let server = try startServer()
        let op = try server.connectAsOperator()
        let new = try token(try op.request("OPERATOR ROTATE"))
        assertValue(try server.connect().auth(server.operatorToken), ["role": "operator"], "pending: the old one still works")
        assertValue(try server.connect().auth(new), ["role": "operator"])
        assertError(try server.connect().auth(server.operatorToken), "AUTH_FAILED")
        assertError(try op.request("TENANT LIST"), "AUTH_REQUIRED")
        let admin = try server.connect(token: try createTenantAs(new, "acme", on: server))
        assertError(try admin.request("OPERATOR ROTATE"), "FORBIDDEN")
    }

    func testAnEnrollmentSessionEndsWhenItsTokenExpires() throws {
        let server = try startServer { $0.enrollmentTokenLifetimeSeconds = 1 }
        let enrollment = try enrollTenant("acme", on: server)
        let session = try server.connect(token: enrollment)
        Thread.sleep(forTimeInterval: 2.1)
        assertError(try session.request("TENANT CLAIM"), "AUTH_REQUIRED", "expired while the session was open")
        assertValue(try session.request("WHOAMI"), ["role": "anonymous"])
        assertError(try server.connect().auth(enrollment), "AUTH_FAILED")
        let renewed = try token(try server.connectAsOperator().request("TENANT ENROLL acme"), "enrollment")
        assertValue(try server.connect().auth(renewed), ["role": "enrollment", "tenant": "acme"])
    }

    /// `createTenant` with another operator token than the server's file.
    private func createTenantAs(_ operatorToken: String, _ name: String, on server: E2EServer) throws -> String {
        let op = try server.connect(token: operatorToken)
        return try op.createClaimedTenant(name, connect: { try server.connect() })
    }
}
