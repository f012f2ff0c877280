import CofferCrypto

/// `coffer verify`'s check of the authority MACs (`VaultCore+Authority.swift`): every tenant row,
/// credential and subject token digest still carries the MAC the engine wrote, so a copy with a
/// token digest moved to another principal, or a policy edited in the file, is reported before
/// anyone restores it. Problems name tenants and roles, never a digest.
enum AuthorityCheck {
    static func problems(keyring: Database, vault: Database?, contents: KeyringContents, master: MasterKeyring) throws -> [String] {
        guard try Migrator.userVersion(of: keyring) >= 4 else { return [] }  // protocol 1: nothing is bound yet
        guard let wrapped = contents.wrappedServiceKeys["authority"] else {
            return contents.tenants.isEmpty ? [] : ["keyring: no authority key, so no credential or policy can be trusted"]
        }
        guard let key = try? HMACSHA256(key: try master.unwrap(wrapped, context: BindingContext.authorityKey)) else {
            return ["keyring: the authority key does not unwrap under the master key file"]
        }
        func matches(_ stored: [UInt8]?, _ message: [UInt8]) throws -> Bool {
            guard let stored else { return false }
            return ConstantTime.equals(stored, try key.authenticate(message))
        }
        var problems: [String] = []
        for row in try keyring.rows("SELECT id, name, subject_self_edit, claimed, authority FROM tenants ORDER BY id") {
            guard let id = row.int64(0), let name = row.text(1) else { continue }
            let message = BindingContext.tenantRow(id: id, name: name, subjectSelfEdit: row.int64(2) == 1, claimed: row.int64(3) == 1)
            if try !matches(row.blob(4), message) {
                problems.append("tenant \(name): its row's authority MAC does not match (name, policy or claim changed outside Coffer)")
            }
        }
        for row in try keyring.rows("SELECT digest, role, pending, tenant_id, expires_at, authority FROM credentials") {
            guard let digest = row.blob(0), let role = row.text(1) else { continue }
            let message = BindingContext.credential(digest: digest, role: role, pending: row.int64(2) == 1,
                                                    tenant: row.int64(3), expiresAt: row.int64(4))
            if try !matches(row.blob(5), message) {
                problems.append("keyring: a \(role) credential\(row.int64(3).map { " of tenant #\($0)" } ?? "") does not match its authority MAC")
            }
        }
        guard let vault, try Migrator.userVersion(of: vault) >= 7 else { return problems }
        let unbound = try VaultScanner.tenantsWithProtocol1Contexts(vault)
        for row in try vault.rows("SELECT tenant_id, id, token, token_authority FROM subjects WHERE token IS NOT NULL") {
            guard let tenant = row.int64(0), let subject = row.int64(1), let digest = row.blob(2),
                  contents.tenants[tenant] != nil, !unbound.contains(tenant) else { continue }
            if try !matches(row.blob(3), BindingContext.subjectToken(tenant: tenant, subject: subject, digest: digest)) {
                problems.append("vault: subject #\(subject)'s token digest does not match its authority MAC")
            }
        }
        return problems
    }
}
