import Foundation
import XCTest

/// CONTRACT.md §7–8: `coffer serve` refuses to start, with a message naming the problem and a
/// non-zero status, for a bad config or unsafe or missing key files.
final class ConfigRefusalE2ETests: E2ETestCase {

    func testUnknownConfigKeysAreRefusedByTheirFullPath() throws {
        let cases: [(config: String, key: String)] = [
            (#"{"limits": {"maxLine": 5}}"#, "limits.maxLine"),
            (#"{"listen": {"host": "127.0.0.1", "port": 0, "tls": true}}"#, "listen.tls"),
            (#"{"listen": {"port": 0}, "logging": {}}"#, "logging"),
            (#"{"listen": {"port": 0}, "bootstrap": {"createMissingKey": true}}"#, "bootstrap.createMissingKey"),
        ]
        for (config, key) in cases {
            let installation = try E2EInstallation(config: config)
            try assertRefusal(installation, naming: key, config)
            XCTAssertEqual(installation.createdPaths(), [], "\(config): nothing is created")
        }
    }

    func testTLSMinimumVersionOtherThan12Or13IsRefused() throws {
        for version in [#""1.1""#, #""1.0""#, #""TLS1.3""#, "1.3", #""""#] {
            let config = #"{"listen": {"port": 0}, "tls": {"minimumVersion": \#(version)}}"#
            let installation = try E2EInstallation(config: config)
            try assertRefusal(installation, naming: "tls.minimumVersion", config)
            XCTAssertEqual(installation.createdPaths(), [], "\(config): nothing is created")
        }
    }

    func testCreateMissingKeysFalseWithNothingPresentNamesAMissingFileAndCreatesNothing() throws {
        let installation = try E2EInstallation(config: #"{"listen": {"port": 0}, "bootstrap": {"createMissingKeys": false}}"#)
        let (status, stderr) = try installation.serveExpectingRefusal()
        XCTAssertNotNil(status)
        XCTAssertNotEqual(status, 0)
        let named = [installation.masterKeyPath, installation.operatorTokenPath, installation.certificatePath,
                     installation.privateKeyPath].filter { stderr.contains($0) }
        XCTAssertFalse(named.isEmpty, "the message names a missing file; stderr: \(stderr)")
        XCTAssertEqual(installation.createdPaths(), [], "no file or directory is created")
    }

    func testSecretFilesReadableByGroupOrOthersAreRefused() throws {
        let installation = try E2EInstallation()
        try installation.bootstrap()
        for path in [installation.operatorTokenPath, installation.masterKeyPath, installation.privateKeyPath] {
            for mode in [0o644, 0o640, 0o604] {
                try installation.setMode(mode, path)
                try assertRefusal(installation, naming: path, "\(path) with mode \(String(mode, radix: 8))")
            }
            try installation.setMode(0o600, path)
        }
        let server = try installation.serve()
        XCTAssertEqual(server.terminate(), 0, "with every mode back at 0600 it starts again")
    }

    func testMissingMasterKeyOrOperatorTokenNextToExistingDatabasesIsRefusedAndNotRecreated() throws {
        let installation = try E2EInstallation()
        try installation.bootstrap()
        for path in [installation.masterKeyPath, installation.operatorTokenPath] {
            let saved = try XCTUnwrap(FileManager.default.contents(atPath: path))
            try FileManager.default.removeItem(atPath: path)
            try assertRefusal(installation, naming: path, "missing \(path)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "\(path) must not be re-created over existing data")
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: saved, attributes: [.posixPermissions: 0o600]))
        }
        let server = try installation.serve()
        XCTAssertEqual(server.terminate(), 0, "with the files restored it starts again")
    }

    func testCreateMissingKeysFalseRefusesAMissingTLSPairNextToDataAndCreatesNothing() throws {
        let installation = try E2EInstallation()
        try installation.bootstrap()
        try installation.writeConfig(#"{"listen": {"port": 0}, "bootstrap": {"createMissingKeys": false}}"#)
        let server = try installation.serve()
        XCTAssertEqual(server.terminate(), 0, "with every file present it starts")

        try FileManager.default.removeItem(atPath: installation.certificatePath)
        try FileManager.default.removeItem(atPath: installation.privateKeyPath)
        let (status, stderr) = try installation.serveExpectingRefusal()
        XCTAssertNotNil(status)
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(stderr.contains(installation.certificatePath) || stderr.contains(installation.privateKeyPath),
                      "the message names the missing TLS file; stderr: \(stderr)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: installation.certificatePath), "nothing is created")
        XCTAssertFalse(FileManager.default.fileExists(atPath: installation.privateKeyPath), "nothing is created")
    }

    func testRelativePathsResolveAgainstTheConfigFilesDirectory() throws {
        let installation = try E2EInstallation(config: """
            {"listen": {"port": 0}, "paths": {"data": "state/data", "keys": "state/keys"},
             "tls": {"certificate": "state/tls/cert.pem", "privateKey": "state/tls/key.pem"}}
            """)
        // Run from an unrelated working directory, with the config named by an absolute path.
        let child = try E2EProcess(try E2EExecutable.path(), ["serve", "--config", installation.configPath], directory: "/")
        XCTAssertTrue(child.waitForStandardError(containing: "listening on", timeout: 20), child.standardError)
        child.send(signal: SIGTERM)
        XCTAssertEqual(child.waitForExit(timeout: 15), 0)
        let base = installation.root + "/config/state"
        for path in ["/keys/master.key", "/keys/operator.token", "/tls/cert.pem", "/tls/key.pem"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: base + path), "\(path) under the config file's directory")
        }
        XCTAssertTrue((try? FileManager.default.contentsOfDirectory(atPath: base + "/data"))?.isEmpty == false, "the data directory")
    }
}
