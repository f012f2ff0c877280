import CofferCrypto
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `SecretFile`: what it refuses (checked on the open descriptor), what it creates, and that
/// no message shows a file's contents.
final class SecretFileTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "coffer-secret-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
    }

    override func tearDown() {
        _ = chmod(directory, 0o700)
        try? FileManager.default.removeItem(atPath: directory)
        super.tearDown()
    }

    private func secret(_ text: String) -> SecureBytes {
        var bytes = Array(text.utf8)
        return SecureBytes(consuming: &bytes)
    }

    private func contents(_ bytes: SecureBytes) -> [UInt8] {
        bytes.withUnsafeBytes { Array($0) }
    }

    private func failure(_ body: () throws -> Void) -> SecretFile.Failure? {
        do { try body() } catch let failure as SecretFile.Failure { return failure } catch { XCTFail("\(error)") }
        return nil
    }

    func testWrittenFileIsMode0600AndReadsBack() throws {
        let path = directory + "/token"
        try SecretFile.write(secret("s3cret-token"), to: path)
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber).intValue
        XCTAssertEqual(mode, 0o600)
        XCTAssertEqual(contents(try SecretFile.read(path)), Array("s3cret-token".utf8))
        XCTAssertNoThrow(try SecretFile.check(path))
    }

    func testCreatedDirectoriesAreMode0700AndPassTheChecks() throws {
        let nested = directory + "/keys/tls"
        try SecretFile.makeDirectory(nested)
        for path in [directory + "/keys", nested] {
            let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber).intValue
            XCTAssertEqual(mode, 0o700, path)
        }
        try SecretFile.write(secret("key"), to: nested + "/server.key")
        XCTAssertNoThrow(try SecretFile.read(nested + "/server.key"))
    }

    func testSymbolicLinkIsRefusedEvenToAPrivateFile() throws {
        let target = directory + "/real"
        try SecretFile.write(secret("value"), to: target)
        let link = directory + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        XCTAssertEqual(failure { _ = try SecretFile.read(link) }, .symbolicLink(path: link))
        XCTAssertEqual(failure { try SecretFile.check(link) }, .symbolicLink(path: link))
        XCTAssertTrue(SecretFile.exists(link))
    }

    func testDanglingSymbolicLinkExistsAndIsRefused() throws {
        let link = directory + "/dangling"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: directory + "/nowhere")
        XCTAssertTrue(SecretFile.exists(link), "a dangling link is not a missing file")
        XCTAssertEqual(failure { try SecretFile.check(link) }, .symbolicLink(path: link))
    }

    func testFIFOIsRefusedWithoutBlocking() throws {
        let path = directory + "/fifo"
        XCTAssertEqual(mkfifo(path, 0o600), 0)
        let started = Date()
        XCTAssertEqual(failure { _ = try SecretFile.read(path) }, .unreadable(path: path, reason: "not a regular file"))
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }

    func testFileReadableByOthersIsRefusedWithoutShowingItsContents() throws {
        let path = directory + "/open"
        try SecretFile.write(secret("MARKER-CONTENT"), to: path)
        XCTAssertEqual(chmod(path, 0o640), 0)
        let refusal = try XCTUnwrap(failure { _ = try SecretFile.read(path) })
        guard case .tooPermissive(path, _) = refusal else { return XCTFail("\(refusal)") }
        XCTAssertTrue(refusal.description.contains(path))
        XCTAssertFalse(refusal.description.contains("MARKER"))
    }

    func testDirectoryThatGroupOrOthersMayWriteIsRefusedStickyOrNot() throws {
        let path = directory + "/key"
        try SecretFile.write(secret("value"), to: path)
        for mode: mode_t in [0o770, 0o707, 0o1777, 0o1733] {
            XCTAssertEqual(chmod(directory, mode), 0)
            for refusal in [failure { _ = try SecretFile.read(path) }, failure { try SecretFile.checkDirectory(of: path) }] {
                guard case .unsafeDirectory(let named, let file, _)? = refusal else {
                    XCTFail("mode \(String(mode, radix: 8)): \(String(describing: refusal))")
                    continue
                }
                XCTAssertEqual(named, directory)
                XCTAssertEqual(file, path)
            }
        }
        XCTAssertEqual(chmod(directory, 0o755), 0)
        XCTAssertNoThrow(try SecretFile.read(path), "a directory only its owner may write to is fine")
    }

    func testWriteIntoADirectoryOthersMayWriteCreatesNothing() throws {
        XCTAssertEqual(chmod(directory, 0o1777), 0)
        let path = directory + "/new"
        guard case .unsafeDirectory? = failure({ try SecretFile.write(secret("value"), to: path) }) else {
            return XCTFail("the write must be refused")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), [])
    }

    func testFileOfAnotherUserIsRefused() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root, to give a file to another user") }
        let path = directory + "/theirs"
        try SecretFile.write(secret("value"), to: path)
        XCTAssertEqual(chown(path, 65534, 65534), 0)
        XCTAssertEqual(failure { _ = try SecretFile.read(path) }, .notOwned(path: path, owner: 65534, user: 0))
    }

    func testDirectoryOfAnotherUserIsRefused() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root, to give a directory to another user") }
        let path = directory + "/key"
        try SecretFile.write(secret("value"), to: path)
        XCTAssertEqual(chown(directory, 65534, 65534), 0)
        guard case .unsafeDirectory(directory, path, _)? = failure({ _ = try SecretFile.read(path) }) else {
            return XCTFail("a directory another user owns (and so may write to) must be refused")
        }
    }

    func testMissingFileAndMissingDirectory() throws {
        XCTAssertEqual(failure { _ = try SecretFile.read(directory + "/absent") }, .missing(path: directory + "/absent"))
        XCTAssertEqual(failure { _ = try SecretFile.read(directory + "/no/such") }, .missing(path: directory + "/no/such"))
        XCTAssertNoThrow(try SecretFile.checkDirectory(of: directory + "/no/such"), "a directory yet to be created passes")
    }
}
