import CofferCrypto
import CofferStore
import CofferTLS
import Foundation

/// Checks, and where allowed creates, the secret files the server needs before it starts
/// (CONTRACT.md section 7).
///
/// - Every check runs before anything is created, so a refused start creates nothing.
/// - The master key and the operator token are created only while the data directory holds no
///   databases: next to existing data, a missing one means lost access, and the server refuses
///   rather than paper over it with a new key.
/// - A missing TLS certificate and key pair is created whenever both are missing.
/// - Secret files that break the rules of `SecretFile` are refused: a symbolic link, a file of
///   another user or accessible by group or others, a directory that others may write to.
enum KeyBootstrap {
    static func prepare(_ configuration: ServerConfiguration) throws(BootstrapError) {
        let hasDatabases = ["keyring.db", "vault.db"].contains { SecretFile.exists(configuration.dataDirectory + "/" + $0) }
        let secrets = [configuration.masterKeyPath, configuration.operatorTokenPath, configuration.privateKeyPath]
        let required = [configuration.masterKeyPath, configuration.operatorTokenPath, configuration.certificatePath, configuration.privateKeyPath]
        let missing = required.filter { !SecretFile.exists($0) }

        // An existing secret is checked whole (file and directory); a missing one only for the
        // directory it would be created in, so that nothing is written where others may write.
        for path in secrets {
            do {
                if SecretFile.exists(path) { try SecretFile.check(path) } else { try SecretFile.checkDirectory(of: path) }
            } catch {
                throw .secretFile(error)
            }
        }
        if !missing.isEmpty && !configuration.createMissingKeys {
            throw .missingFiles(missing, reason: "bootstrap.createMissingKeys is false")
        }
        let irreplaceable = missing.filter { $0 == configuration.masterKeyPath || $0 == configuration.operatorTokenPath }
        if hasDatabases && !irreplaceable.isEmpty {
            throw .missingFiles(irreplaceable, reason: "the data directory \(configuration.dataDirectory) already holds databases; restore the file from a backup")
        }
        let certificateMissing = missing.contains(configuration.certificatePath)
        let keyMissing = missing.contains(configuration.privateKeyPath)
        if certificateMissing != keyMissing {
            throw .missingFiles([certificateMissing ? configuration.certificatePath : configuration.privateKeyPath],
                                reason: "the other half of the TLS key pair exists; remove it to have both created, or restore the missing one")
        }

        do {
            try SecretFile.makeDirectory(configuration.keysDirectory)
            if missing.contains(configuration.operatorTokenPath) {
                var token = Array(try TokenFormat.generate().utf8) + [UInt8(ascii: "\n")]
                try SecretFile.write(SecureBytes(consuming: &token), to: configuration.operatorTokenPath)
                ServiceLog.info("created operator token \(configuration.operatorTokenPath)")
            }
        } catch let error as SecretFile.Failure {
            throw .secretFile(error)
        } catch {
            throw .generation(String(describing: error))
        }
        if certificateMissing {
            do {
                try SelfSignedCertificate.generate(certificatePath: configuration.certificatePath, privateKeyPath: configuration.privateKeyPath)
            } catch {
                throw .generation("TLS certificate: \(error)")
            }
            ServiceLog.info("created self-signed TLS certificate \(configuration.certificatePath) for localhost and 127.0.0.1")
        }
    }

    /// Reads the operator token file into zeroizing storage, without surrounding whitespace.
    static func operatorToken(_ configuration: ServerConfiguration) throws(BootstrapError) -> SecureBytes {
        let contents: SecureBytes
        do { contents = try SecretFile.read(configuration.operatorTokenPath, maximumBytes: 4096) } catch { throw .secretFile(error) }
        let trimmed = contents.withUnsafeBytes { bytes -> SecureBytes in
            let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
            let start = bytes.firstIndex { !isSpace($0) } ?? bytes.count
            let end = (bytes.lastIndex { !isSpace($0) }).map { $0 + 1 } ?? start
            return SecureBytes(copying: UnsafeRawBufferPointer(rebasing: bytes[start..<max(start, end)]))
        }
        guard trimmed.count >= 16 else {
            throw .secretFile(.unreadable(path: configuration.operatorTokenPath, reason: "the token is shorter than 16 characters"))
        }
        return trimmed
    }
}
