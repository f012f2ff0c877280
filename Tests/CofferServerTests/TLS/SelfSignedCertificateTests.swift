import Foundation
import XCTest
import CofferServer
import CofferTLS

final class SelfSignedCertificateTests: XCTestCase {
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func testKeyIsOwnerOnlyCertificateIsReadableAndNewDirectoriesArePrivate() throws {
        let previous = umask(0)   // the modes must not depend on the umask
        defer { umask(previous) }
        let certificates = try TLSTestCertificates()
        XCTAssertEqual(try mode(certificates.privateKeyPath), 0o600)
        XCTAssertEqual(try mode(certificates.certificatePath), 0o644)
        XCTAssertEqual(try mode(certificates.url.appendingPathComponent("tls").path), 0o700)
    }

    func testGeneratedFilesArePEMAndLeaveNoTemporaryFiles() throws {
        let certificates = try TLSTestCertificates()
        let key = try String(contentsOfFile: certificates.privateKeyPath, encoding: .utf8)
        let certificate = try String(contentsOfFile: certificates.certificatePath, encoding: .utf8)
        XCTAssertTrue(key.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        XCTAssertTrue(certificate.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let names = try FileManager.default.contentsOfDirectory(atPath: certificates.url.appendingPathComponent("tls").path)
        XCTAssertEqual(names.sorted(), ["server.crt", "server.key"])
    }

    func testGeneratingOverAnExistingKeyIsRefused() throws {
        let certificates = try TLSTestCertificates()
        let before = try Data(contentsOf: URL(fileURLWithPath: certificates.privateKeyPath))
        try FileManager.default.removeItem(atPath: certificates.certificatePath)
        XCTAssertThrowsError(try SelfSignedCertificate.generate(certificatePath: certificates.certificatePath,
                                                                privateKeyPath: certificates.privateKeyPath)) { error in
            XCTAssertEqual((error as? TLSError)?.kind, .certificateGeneration)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: certificates.privateKeyPath)), before, "the key is untouched")
        XCTAssertFalse(FileManager.default.fileExists(atPath: certificates.certificatePath))
    }

    func testEachGenerationMakesADifferentKey() throws {
        let first = try TLSTestCertificates()
        let second = try TLSTestCertificates()
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: first.privateKeyPath)),
                          try Data(contentsOf: URL(fileURLWithPath: second.privateKeyPath)))
    }

    func testContextRefusesAMissingCertificateNamingIt() throws {
        let certificates = try TLSTestCertificates()
        let missing = certificates.url.appendingPathComponent("nope.crt").path
        XCTAssertThrowsError(try TLSServerContext(configuration: TLSServerConfiguration(
            certificatePath: missing, privateKeyPath: certificates.privateKeyPath))) { error in
            XCTAssertEqual((error as? TLSError)?.kind, .configuration)
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
    }

    func testContextRefusesAKeyThatDoesNotMatchTheCertificate() throws {
        let first = try TLSTestCertificates()
        let second = try TLSTestCertificates()
        XCTAssertThrowsError(try TLSServerContext(configuration: TLSServerConfiguration(
            certificatePath: first.certificatePath, privateKeyPath: second.privateKeyPath))) { error in
            XCTAssertEqual((error as? TLSError)?.kind, .configuration)
            XCTAssertFalse("\(error)".contains("BEGIN"), "no key material in the message")
        }
    }
}
