import Foundation
import COpenSSL

/// Generates the self-signed certificate a fresh installation serves until the operator
/// installs a real one.
///
/// The certificate is for "localhost", 127.0.0.1 and ::1, with an EC P-256 key, valid 825 days.
/// It is a proper end-entity certificate (basicConstraints critical CA:FALSE, keyUsage
/// digitalSignature, extendedKeyUsage serverAuth, subject and authority key identifiers);
/// OpenSSL 3 accepts such a self-signed certificate as its own trust anchor, which is how
/// clients verify this server (`-CAfile server.crt`, `ClientConfiguration.trustedCertificatePath`).
public enum SelfSignedCertificate {
    /// The names the certificate is valid for.
    public static let subjectAlternativeNames = "DNS:localhost,IP:127.0.0.1,IP:::1"
    /// Validity period in days (the maximum public CAs were allowed for years; long enough for a dev vault).
    public static let validityDays = 825

    /// Writes a new key (mode 0600) and certificate (mode 0644), creating missing parent
    /// directories with mode 0700. Refuses to replace an existing file; on failure nothing
    /// written by this call is left behind.
    public static func generate(certificatePath: String, privateKeyPath: String) throws(TLSError) {
        try PEMFileWriter.refuseExisting(privateKeyPath)
        try PEMFileWriter.refuseExisting(certificatePath)
        let key = try makeKey()
        defer { EVP_PKEY_free(key) }
        let certificate = try makeCertificate(signedBy: key)
        defer { X509_free(certificate) }

        try PEMFileWriter.makeParentDirectories(of: privateKeyPath)
        try PEMFileWriter.makeParentDirectories(of: certificatePath)
        try PEMFileWriter.write(privateKeyPath, mode: 0o600) { bio in
            PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1
        }
        do {
            try PEMFileWriter.write(certificatePath, mode: 0o644) { bio in
                PEM_write_bio_X509(bio, certificate) == 1
            }
        } catch {
            _ = unlink(privateKeyPath)
            throw error
        }
    }

    /// A fresh EC P-256 key pair (`EVP_PKEY *`), owned by the caller.
    private static func makeKey() throws(TLSError) -> OpaquePointer {
        ERR_clear_error()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw TLSError.drainingQueue(.certificateGeneration, "create key generator")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
              EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
              EVP_PKEY_generate(context, &key) == 1,
              let key else {
            throw TLSError.drainingQueue(.certificateGeneration, "generate P-256 key")
        }
        return key
    }

    /// The self-signed certificate (`X509 *`) for `key`, owned by the caller.
    private static func makeCertificate(signedBy key: OpaquePointer) throws(TLSError) -> OpaquePointer {
        guard let certificate = X509_new() else {
            throw TLSError.drainingQueue(.certificateGeneration, "create certificate")
        }
        do {
            try fill(certificate, key: key)
            return certificate
        } catch {
            X509_free(certificate)
            throw error
        }
    }

    private static func fill(_ certificate: OpaquePointer, key: OpaquePointer) throws(TLSError) {
        guard X509_set_version(certificate, Int(X509_VERSION_3)) == 1 else {
            throw TLSError.drainingQueue(.certificateGeneration, "set version")
        }
        try setRandomSerial(certificate)
        // Backdated a little so a client whose clock is slightly behind still accepts it.
        guard X509_gmtime_adj(X509_getm_notBefore(certificate), -300) != nil,
              X509_gmtime_adj(X509_getm_notAfter(certificate), validityDays * 86_400) != nil else {
            throw TLSError.drainingQueue(.certificateGeneration, "set validity")
        }
        guard let name = X509_get_subject_name(certificate),
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, "localhost", -1, -1, 0) == 1,
              X509_set_issuer_name(certificate, name) == 1,
              X509_set_pubkey(certificate, key) == 1 else {
            throw TLSError.drainingQueue(.certificateGeneration, "set names and public key")
        }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, certificate, certificate, nil, nil, 0)
        // Order matters: the authority key identifier is computed from the subject key identifier.
        let extensions: [(Int32, String)] = [
            (NID_basic_constraints, "critical,CA:FALSE"),
            (NID_key_usage, "critical,digitalSignature"),
            (NID_ext_key_usage, "serverAuth"),
            (NID_subject_alt_name, subjectAlternativeNames),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ]
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw TLSError.drainingQueue(.certificateGeneration, "build extension \(String(cString: OBJ_nid2sn(nid)))")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(certificate, ext, -1) == 1 else {
                throw TLSError.drainingQueue(.certificateGeneration, "add extension \(String(cString: OBJ_nid2sn(nid)))")
            }
        }
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else {
            throw TLSError.drainingQueue(.certificateGeneration, "sign certificate")
        }
    }

    /// A random positive 128-bit serial number (RFC 5280 allows up to 20 octets).
    private static func setRandomSerial(_ certificate: OpaquePointer) throws(TLSError) {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else {
            throw TLSError.drainingQueue(.certificateGeneration, "generate serial number")
        }
        bytes[0] = (bytes[0] & 0x7F) | 0x40   // positive, and exactly 16 octets long
        guard let number = BN_bin2bn(bytes, Int32(bytes.count), nil) else {
            throw TLSError.drainingQueue(.certificateGeneration, "generate serial number")
        }
        defer { BN_free(number) }
        guard BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil else {
            throw TLSError.drainingQueue(.certificateGeneration, "set serial number")
        }
    }
}
