import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// CONTRACT.md §7: `coffer serve` refuses a secret file (master key, TLS private key, operator
/// token) that is a symbolic link, is not owned by the user it runs as, or lies in a directory
/// that group or others may write to; the message names the file or the directory. The files
/// and directories it creates itself pass these checks.
final class SecretFileRefusalE2ETests: E2ETestCase {
    /// A uid that is not the test's (nobody); only root can give a file to it.
    private let otherUID: uid_t = 65534

    private func secretFiles(of installation: E2EInstallation) -> [String] {
        [installation.masterKeyPath, installation.operatorTokenPath, installation.privateKeyPath]
    }

    func testCreatedKeyDirectoriesAreMode0700() throws {
        let installation = try E2EInstallation()
        try installation.bootstrap()
        for directory in [installation.keysDirectory, installation.keysDirectory + "/tls"] {
            XCTAssertEqual(try installation.mode(directory), 0o700, directory)
        }
    }

    func testSymbolicLinkToASecretFileIsRefused() throws {
        let installation = try E2EInstallation()
        try installation.bootstrap()
        let elsewhere = installation.root + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        for path in secretFiles(of: installation) {
            let target = elsewhere + "/" + (path as NSString).lastPathComponent
            try FileManager.default.moveItem(atPath: path, toPath: target)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
            try assertRefusal(installation, naming: path, "\(path) as a symbolic link to a 0600 file")
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: target, toPath: path)
        }
        let server = try installation.serve()
        XCTAssertEqual(server.terminate(), 0, "with the real files back it starts again")
    }

    func testDanglingSymbolicLinkIsRefusedNotReplaced() throws {
        let installation = try E2EInstallation()
        try FileManager.default.createDirectory(atPath: installation.keysDirectory, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        try FileManager.default.createSymbolicLink(atPath: installation.operatorTokenPath, withDestinationPath: installation.root + "/planted")
        try assertRefusal(installation, naming: installation.operatorTokenPath, "a dangling symbolic link as the operator token")
        XCTAssertFalse(FileManager.default.fileExists(atPath: installation.root + "/planted"), "nothing is written through the link")
        XCTAssertEqual(installation.createdPaths(), ["keys", "keys/operator.token"], "nothing is created")
    }

    func testKeyDirectoryThatGroupOrOthersMayWriteIsRefused() throws {
        let installation = try E2EInstallation()
        try installation.bootstrap()
        let tlsDirectory = installation.keysDirectory + "/tls"
        for directory in [installation.keysDirectory, tlsDirectory] {
            // 1777 is /tmp: the sticky bit stops others removing the files, not planting new names.
            for mode in [0o770, 0o730, 0o707, 0o703, 0o1777] {
                try installation.setMode(mode, directory)
                // "<directory> " (a space after the name): the directory itself, not a file below it.
                try assertRefusal(installation, naming: directory + " ", "\(directory) with mode \(String(mode, radix: 8))")
            }
            try installation.setMode(0o700, directory)
        }
        try installation.setMode(0o750, installation.keysDirectory)
        let server = try installation.serve()
        XCTAssertEqual(server.terminate(), 0, "a directory that only its owner writes is fine (0750)")
    }

    func testFirstStartInAKeyDirectoryThatOthersMayWriteCreatesNothing() throws {
        let installation = try E2EInstallation()
        try FileManager.default.createDirectory(atPath: installation.keysDirectory, withIntermediateDirectories: false)
        try installation.setMode(0o777, installation.keysDirectory)
        try assertRefusal(installation, naming: installation.keysDirectory + " ", "a fresh keys directory with mode 0777")
        XCTAssertEqual(installation.createdPaths(), ["keys"], "no key, token or database is created")
    }

    func testSecretFileOwnedByAnotherUserIsRefused() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root, to give a file to another user") }
        let installation = try E2EInstallation()
        try installation.bootstrap()
        for path in secretFiles(of: installation) {
            XCTAssertEqual(chown(path, otherUID, gid_t(otherUID)), 0)
            try assertRefusal(installation, naming: path, "\(path) owned by uid \(otherUID)")
            XCTAssertEqual(chown(path, 0, 0), 0)
        }
        let server = try installation.serve()
        XCTAssertEqual(server.terminate(), 0, "with every file back to its owner it starts again")
    }

    func testKeyDirectoryOwnedByAnotherUserIsRefused() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root, to give a directory to another user") }
        let installation = try E2EInstallation()
        try installation.bootstrap()
        XCTAssertEqual(chown(installation.keysDirectory, otherUID, gid_t(otherUID)), 0)
        try assertRefusal(installation, naming: installation.keysDirectory + " ", "keys directory owned by uid \(otherUID), who may write to it")
    }
}
