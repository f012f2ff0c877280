import Foundation
import XCTest

/// CONTRACT.md §3–4: no value, subject identifier or token reaches the disk in clear, and the
/// server's log (its standard error) never shows one either — checked after real traffic.
final class SecrecyExecutableE2ETests: E2ETestCase {
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    func testValuesSubjectIdentifiersAndTokensAppearNeitherOnDiskNorInTheLog() throws {
        let installation = try E2EInstallation()
        let server = try installation.serve()
        let op = try server.connect()
        _ = try op.auth(installation.operatorToken())
        let adminToken = try op.createClaimedTenant("acme", connect: server.connect)
        let admin = try server.connect()
        _ = try admin.auth(adminToken)

        let subject = "subject.SECRETID4242@example.com"
        let value = "value SECRETVAL9191 +49 30 1234"
        let shreddedValue = "value SECRETGONE5353"
        assertReply(try admin.request(words: ["SET", subject, "phone", value]), "OK")
        assertReply(try admin.request(words: ["SET", "to-shred", "note", shreddedValue]), "OK")
        let subjectToken = try issueToken(subject, by: admin)
        let revokedToken = try issueToken("to-shred", by: admin)
        assertValue(try admin.request("SUBJECT SHRED to-shred"), ["subject": "to-shred", "shredded": true])
        // Refusals and failures that a careless log line might repeat.
        assertError(try admin.request(words: ["SET", subject, "Bad", value]), "INVALID")
        assertError(try admin.request(words: ["GET", "SECRETNOBODY7777", "phone"]), "NOT_FOUND")
        let stranger = try server.connect()
        assertError(try stranger.auth("cft_SECRETBADTOKEN0000"), "AUTH_FAILED")
        assertError(try stranger.auth(revokedToken), "AUTH_FAILED")
        let subjectSession = try server.connect()
        assertValue(try subjectSession.auth(subjectToken), ["role": "subject", "tenant": "acme", "subject": .string(subject)])
        assertValue(try subjectSession.request(words: ["GET", subject, "phone"]), .string(value))
        admin.close()
        subjectSession.close()
        XCTAssertEqual(server.terminate(), 0)

        let secrets: [(String, String)] = [
            ("the subject identifier", "SECRETID4242"), ("a stored value", "SECRETVAL9191"),
            ("a shredded value", "SECRETGONE5353"), ("an unknown subject", "SECRETNOBODY7777"),
            ("a presented bad token", "SECRETBADTOKEN0000"),
            ("the tenant admin token", adminToken), ("the subject token", subjectToken), ("a revoked token", revokedToken),
        ]
        let log = server.child.standardError
        for (what, secret) in secrets {
            XCTAssertFalse(log.contains(secret), "the server log shows \(what)")
        }
        let files = (FileManager.default.enumerator(atPath: installation.root)?.allObjects as? [String] ?? [])
            .map { installation.root + "/" + $0 }
            .filter { path in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
        XCTAssertTrue(files.contains { $0.hasSuffix(".db") }, "the databases were found")
        for path in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            for (what, secret) in secrets where Self.contains(bytes, Array(secret.utf8)) {
                XCTFail("\(path) holds \(what) in clear")
            }
        }
    }
}
