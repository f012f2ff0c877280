import XCTest
import Foundation
@testable import CofferServer

final class ServerConfigurationTests: XCTestCase {
    private func parse(_ json: String, base: String = "/srv/coffer/Config") throws -> ServerConfiguration {
        try ServerConfiguration.parse(Data(json.utf8), baseDirectory: base)
    }

    private func assertRefused(_ json: String, mentioning key: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(json), file: file, line: line) { error in
            XCTAssertTrue(String(describing: error).contains(key), "\(error) should name \(key)", file: file, line: line)
        }
    }

    func testEmptyObjectGivesTheContractDefaultsResolvedAgainstTheConfigDirectory() throws {
        let configuration = try parse("{}")
        XCTAssertEqual(configuration.host, "127.0.0.1")
        XCTAssertEqual(configuration.port, 7443)
        XCTAssertEqual(configuration.dataDirectory, "/srv/coffer/data")
        XCTAssertEqual(configuration.keysDirectory, "/srv/coffer/keys")
        XCTAssertEqual(configuration.certificatePath, "/srv/coffer/keys/tls/server.crt")
        XCTAssertEqual(configuration.privateKeyPath, "/srv/coffer/keys/tls/server.key")
        XCTAssertEqual(configuration.minimumTLSVersion, .v1_3)
        XCTAssertEqual(configuration.maxConnections, 256)
        XCTAssertEqual(configuration.maxLineBytes, 65536)
        XCTAssertEqual(configuration.maxValueBytes, 16384)
        XCTAssertEqual(configuration.idleTimeoutSeconds, 300)
        XCTAssertTrue(configuration.createMissingKeys)
        XCTAssertNil(configuration.maxLineBytesBeforeAuth, "the pre-AUTH hardening is opt-in")
        XCTAssertEqual(configuration.masterKeyPath, "/srv/coffer/keys/master.key")
        XCTAssertEqual(configuration.operatorTokenPath, "/srv/coffer/keys/operator.token")
    }

    func testTheDocumentedFullConfigParsesAndEveryKeyIsApplied() throws {
        let configuration = try parse("""
            { "listen": { "host": "0.0.0.0", "port": 9000 },
              "paths": { "data": "/var/lib/coffer", "keys": "secrets" },
              "tls": { "certificate": "tls/a.crt", "privateKey": "/etc/coffer/a.key", "minimumVersion": "1.2" },
              "limits": { "maxConnections": 10, "maxLineBytes": 4096, "maxValueBytes": 100, "idleTimeoutSeconds": 2.5 },
              "bootstrap": { "createMissingKeys": false } }
            """)
        XCTAssertEqual(configuration.host, "0.0.0.0")
        XCTAssertEqual(configuration.port, 9000)
        XCTAssertEqual(configuration.dataDirectory, "/var/lib/coffer")
        XCTAssertEqual(configuration.keysDirectory, "/srv/coffer/Config/secrets")
        XCTAssertEqual(configuration.certificatePath, "/srv/coffer/Config/tls/a.crt")
        XCTAssertEqual(configuration.privateKeyPath, "/etc/coffer/a.key")
        XCTAssertEqual(configuration.minimumTLSVersion, .v1_2)
        XCTAssertEqual(configuration.maxConnections, 10)
        XCTAssertEqual(configuration.maxLineBytes, 4096)
        XCTAssertEqual(configuration.maxValueBytes, 100)
        XCTAssertEqual(configuration.idleTimeoutSeconds, 2.5)
        XCTAssertFalse(configuration.createMissingKeys)
    }

    func testUnknownKeysAreRefusedByTheirFullPath() {
        assertRefused(#"{"limits": {"maxLine": 5}}"#, mentioning: "limits.maxLine")
        assertRefused(#"{"listen": {"hostname": "x"}}"#, mentioning: "listen.hostname")
        assertRefused(#"{"extra": 1}"#, mentioning: "extra")
        assertRefused(#"{"tls": {"ciphers": "ALL"}}"#, mentioning: "tls.ciphers")
        assertRefused(#"{"bootstrap": {"createMissingKeys": true, "x": 1}}"#, mentioning: "bootstrap.x")
    }

    func testValuesOfTheWrongTypeOrRangeAreRefusedByKey() {
        assertRefused(#"{"tls": {"minimumVersion": "1.1"}}"#, mentioning: "tls.minimumVersion")
        assertRefused(#"{"tls": {"minimumVersion": 1.3}}"#, mentioning: "tls.minimumVersion")
        assertRefused(#"{"listen": {"port": "7443"}}"#, mentioning: "listen.port")
        assertRefused(#"{"listen": {"port": 70000}}"#, mentioning: "listen.port")
        assertRefused(#"{"limits": {"maxConnections": 0}}"#, mentioning: "limits.maxConnections")
        assertRefused(#"{"limits": {"maxLineBytes": 1.5}}"#, mentioning: "limits.maxLineBytes")
        assertRefused(#"{"limits": {"maxValueBytes": true}}"#, mentioning: "limits.maxValueBytes")
        assertRefused(#"{"limits": {"idleTimeoutSeconds": 0}}"#, mentioning: "limits.idleTimeoutSeconds")
        assertRefused(#"{"bootstrap": {"createMissingKeys": 1}}"#, mentioning: "bootstrap.createMissingKeys")
        assertRefused(#"{"paths": {"data": ""}}"#, mentioning: "paths.data")
        assertRefused(#"{"paths": []}"#, mentioning: "paths")
    }

    func testMalformedJSONAndMissingExplicitFileAreRefusedByPath() throws {
        XCTAssertThrowsError(try ServerConfiguration.parse(Data("{".utf8), baseDirectory: "/x", source: "/x/coffer.json")) { error in
            XCTAssertTrue(String(describing: error).contains("/x/coffer.json"))
        }
        XCTAssertThrowsError(try ServerConfiguration.load(path: "/nonexistent/coffer.json")) { error in
            XCTAssertTrue(String(describing: error).contains("/nonexistent/coffer.json"))
        }
    }

    func testAuditRetentionDaysIsAnExtraKeyWithADefaultOfOneYear() throws {
        XCTAssertEqual(try parse("{}").auditRetentionDays, 365)
        XCTAssertEqual(try parse(#"{"audit": {"retentionDays": 30}}"#).auditRetentionDays, 30)
        assertRefused(#"{"audit": {"retentionDays": 0}}"#, mentioning: "audit.retentionDays")
        assertRefused(#"{"audit": {"retentionDays": "30"}}"#, mentioning: "audit.retentionDays")
        assertRefused(#"{"audit": {"retention": 30}}"#, mentioning: "audit.retention")
        assertRefused(#"{"audit": 30}"#, mentioning: "audit")
    }

    func testPathsAreNormalised() {
        XCTAssertEqual(ServerConfiguration.resolve("../data", against: "/a/b/Config"), "/a/b/data")
        XCTAssertEqual(ServerConfiguration.resolve("./x/../y", against: "/a"), "/a/y")
        XCTAssertEqual(ServerConfiguration.resolve("/abs/p", against: "/a"), "/abs/p")
    }
}
