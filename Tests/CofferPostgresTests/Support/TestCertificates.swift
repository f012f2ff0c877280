import Foundation
import XCTest

/// A CA, a server certificate it signed (for localhost and 127.0.0.1) and an unrelated CA,
/// made with the `openssl` command in a temporary directory, once per test run (the CA keys
/// are deleted as soon as the server certificate is signed).
struct TestCertificates: Sendable {
    let directory: String
    var caFile: String { directory + "/ca.crt" }
    var otherCAFile: String { directory + "/other-ca.crt" }
    var serverCertificate: String { directory + "/server.crt" }
    var serverKey: String { directory + "/server.key" }

    /// The certificates, or a skip when `openssl` is not installed.
    static func shared() throws -> TestCertificates {
        switch cache {
        case .success(let certificates): return certificates
        case .failure(let failure): throw XCTSkip("cannot make test certificates: \(failure.reason)")
        }
    }

    struct Failure: Error { let reason: String }

    private static let cache: Result<TestCertificates, Failure> = {
        let directory = NSTemporaryDirectory() + "coffer-postgres-tls-\(getpid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let commands = [
            "openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt -days 2"
                + " -subj '/CN=Coffer pgwire test CA' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
            "openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout other-ca.key -out other-ca.crt -days 2"
                + " -subj '/CN=Another CA' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
            "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr -subj /CN=localhost",
            "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nbasicConstraints=critical,CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > server.ext",
            "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.crt",
            // The CA keys are not needed once the one certificate is signed.
            "rm -f ca.key other-ca.key ca.srl server.csr server.ext",
        ]
        for command in commands {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "cd '\(directory)' && \(command) 2>/dev/null"]
            do { try process.run() } catch { return .failure(Failure(reason: "\(error)")) }
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return .failure(Failure(reason: "'\(command)' failed")) }
        }
        return .success(TestCertificates(directory: directory))
    }()
}
