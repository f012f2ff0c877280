import CofferCrypto

/// Decrypts one subject end to end, as `EXPORT` would: its sealed identifier (checked against
/// its keyed lookup hash), every data key, every field value. The plaintexts stay in zeroizing
/// buffers and are dropped at once; only the outcome is kept.
enum SubjectDecryption {
    /// What failed; names no content.
    enum Failure: Error {
        case identifier
        case lookupMismatch
        case dataKey(version: UInt32)
        case field
        case fieldKeyVersion

        var description: String {
            switch self {
            case .identifier: return "its sealed identifier does not decrypt"
            case .lookupMismatch: return "its decrypted identifier does not match its lookup hash"
            case .dataKey(let version): return "its data key version \(version) does not unwrap"
            case .field: return "a field value does not decrypt"
            case .fieldKeyVersion: return "a field value names a data key version the subject lacks"
            }
        }
    }

    /// Decrypts everything; returns the number of field values decrypted.
    static func check(subject: Int64, lookup: [UInt8], sealedName: [UInt8], dataKeys: [(version: UInt32, wrapped: [UInt8])],
                      fields: [(name: String, sealed: [UInt8])], tenant: TenantKeys, protocol1: Bool = false) throws(Failure) -> Int {
        let ref = SubjectRef(id: subject, lookup: lookup)
        let name: SecureBytes
        do {
            name = try Envelope.open(sealedName, context: BindingContext.subjectName(tenant: tenant.tenantID, lookup: lookup)) {
                (version) throws(CryptoError) in try tenant.keyEncryptionKey(version)
            }
        } catch {
            throw .identifier
        }
        // The lookup message is a label and the identifier; build it in zeroizing storage.
        let label = BindingContext.subjectLookup("")
        let message = SecureBytes(count: label.count + name.count) { buffer in
            label.withUnsafeBytes { buffer.copyMemory(from: $0) }
            name.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[label.count...]).copyMemory(from: $0) }
        }
        guard let expected = try? tenant.index.authenticate(message), ConstantTime.equals(expected, lookup) else {
            throw .lookupMismatch
        }
        var keys: [UInt32: AESGCM] = [:]
        for dataKey in dataKeys {
            do {
                let context = protocol1
                    ? BindingContext.dataKeyProtocol1(tenant: tenant.tenantID, subject: subject, version: dataKey.version)
                    : BindingContext.dataKey(tenant: tenant.tenantID, subject: ref, version: dataKey.version)
                let key = try KeyWrap.unwrap(dataKey.wrapped, context: context) {
                    (version) throws(CryptoError) in try tenant.keyEncryptionKey(version)
                }
                keys[dataKey.version] = try AESGCM(key: key)
            } catch {
                throw .dataKey(version: dataKey.version)
            }
        }
        for field in fields {
            do {
                let context = protocol1
                    ? BindingContext.fieldProtocol1(tenant: tenant.tenantID, subject: subject, field: field.name)
                    : BindingContext.field(tenant: tenant.tenantID, subject: ref, field: field.name)
                _ = try Envelope.open(field.sealed, context: context) {
                    (version) throws(CryptoError) in
                    guard let key = keys[version] else { throw .malformedCiphertext("unknown data key version") }
                    return key
                }
            } catch {
                throw .field
            }
        }
        return fields.count
    }
}
