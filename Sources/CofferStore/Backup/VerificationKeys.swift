import CofferCrypto

/// Unwraps everything a keyring holds under the master key, the way the engine does (service
/// keys, and each tenant's key-encryption keys, index key and audit keys), and reports each key
/// that does not unwrap.
///
/// The contexts are the engine's own (`BindingContext`), so a key that unwraps here unwraps in
/// the server. The unwrapped keys live only in OpenSSL's keyed contexts and zeroizing buffers.
enum VerificationKeys {
    /// The ready-to-use keys of every tenant whose keys all unwrap, by tenant id.
    static func unwrap(_ keyring: KeyringContents, master: MasterKeyring, report: inout VerificationReport) -> [Int64: TenantKeys] {
        if keyring.wrappedServiceKeys["token"] == nil && !keyring.tenants.isEmpty {
            report.problem("keyring: no token key")
        }
        for (name, wrapped) in keyring.wrappedServiceKeys.sorted(by: { $0.key < $1.key }) {
            guard let context = try? BindingContext.serviceKey(name) else {
                report.problem("keyring: a service key this program does not know")
                continue
            }
            if (try? master.unwrap(wrapped, context: context)) == nil {
                report.problem("keyring: the \(name) key does not unwrap under the master key file (wrong or missing master key version?)")
            }
        }
        var unwrapped: [Int64: TenantKeys] = [:]
        for tenant in keyring.tenants.values.sorted(by: { $0.id < $1.id }) {
            guard !tenant.wrappedKeys.isEmpty else {
                report.problem("tenant \(tenant.name): no key-encryption key in the keyring")
                continue
            }
            var keys: [UInt32: AESGCM] = [:]
            var complete = true
            for (version, wrapped) in tenant.wrappedKeys.sorted(by: { $0.key < $1.key }) {
                do {
                    let key = try master.unwrap(wrapped, context: BindingContext.tenantKey(tenant: tenant.id, version: version))
                    keys[version] = try AESGCM(key: key)
                } catch {
                    complete = false
                    report.problem("tenant \(tenant.name): key-encryption key version \(version) does not unwrap under the master key file")
                }
            }
            let index: HMACSHA256
            do {
                index = try HMACSHA256(key: try master.unwrap(tenant.wrappedIndexKey, context: BindingContext.indexKey(tenant: tenant.id)))
            } catch {
                report.problem("tenant \(tenant.name): the index key does not unwrap under the master key file")
                continue
            }
            for (version, wrapped) in tenant.wrappedAuditKeys.sorted(by: { $0.key < $1.key })
            where (try? master.unwrap(wrapped, context: BindingContext.tenantAuditKey(tenant: tenant.id, version: version))) == nil {
                report.problem("tenant \(tenant.name): audit key version \(version) does not unwrap under the master key file")
            }
            if complete {
                unwrapped[tenant.id] = TenantKeys(tenantID: tenant.id, name: tenant.name, keyEncryptionKeys: keys, index: index)
            }
        }
        return unwrapped
    }
}
