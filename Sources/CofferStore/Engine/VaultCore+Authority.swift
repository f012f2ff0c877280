import CofferCrypto

/// The MACs that bind stored authority to its owner, against someone who can write the
/// database files or a backup but holds no master key (docs/SECURITY.md, the database-level
/// attacker).
///
/// Token digests are looked up by the digest alone, so a digest copied from tenant A's row into
/// tenant B's would make A's token B's. Each credential row, each tenant row (name, policy,
/// claim) and each subject's token digest therefore carries a MAC under the authority key (a
/// service key wrapped under the master key) over the row's meaning, checked after every lookup.
/// A row moved, edited or forged in the files fails the check and is refused. What the MAC
/// cannot stop is a replay of an older version of the same row (an old token digest of the same
/// tenant restored from a backup); SECURITY.md says so.
extension VaultCore {
    // MARK: Tenant rows

    func tenantAuthority(id: Int64, name: String, subjectSelfEdit: Bool, claimed: Bool) throws -> [UInt8] {
        try Self.tenantAuthority(id: id, name: name, subjectSelfEdit: subjectSelfEdit, claimed: claimed, under: authorityKey)
    }

    private static func tenantAuthority(id: Int64, name: String, subjectSelfEdit: Bool, claimed: Bool, under key: HMACSHA256) throws -> [UInt8] {
        try key.authenticate(BindingContext.tenantRow(id: id, name: name, subjectSelfEdit: subjectSelfEdit, claimed: claimed))
    }

    func checkTenantAuthority(_ stored: [UInt8]?, id: Int64, name: String, subjectSelfEdit: Bool, claimed: Bool) throws {
        let expected = try tenantAuthority(id: id, name: name, subjectSelfEdit: subjectSelfEdit, claimed: claimed)
        guard let stored, ConstantTime.equals(stored, expected) else {
            throw VaultError.corrupt("tenant #\(id): its row's authority MAC does not match (changed outside Coffer)")
        }
    }

    /// Rewrites a tenant row's policy and claim state with its MAC. Runs in the caller's keyring
    /// work; the caller forgets the cached tenant (`keyState.forgetTenant`) once that work has
    /// committed, not before: a reader that loads the row before the commit sees the old one,
    /// and would cache it for good if the entry had been dropped already.
    func updateTenantRow(id: Int64, name: String, subjectSelfEdit: Bool, claimed: Bool) throws {
        try keyring.run("UPDATE tenants SET subject_self_edit = ?, claimed = ?, authority = ? WHERE id = ?",
                        subjectSelfEdit ? 1 : 0, claimed ? 1 : 0,
                        try tenantAuthority(id: id, name: name, subjectSelfEdit: subjectSelfEdit, claimed: claimed), id)
    }

    // MARK: Credentials

    func credentialAuthority(_ credential: Credential, digest: [UInt8]) throws -> [UInt8] {
        try Self.credentialAuthority(credential, digest: digest, under: authorityKey)
    }

    private static func credentialAuthority(_ credential: Credential, digest: [UInt8], under key: HMACSHA256) throws -> [UInt8] {
        try key.authenticate(BindingContext.credential(digest: digest, role: credential.role.rawValue, pending: credential.pending,
                                                       tenant: credential.tenantID, expiresAt: credential.expiresAt))
    }

    // MARK: Subject tokens

    func subjectTokenAuthority(tenant: Int64, subject: Int64, digest: [UInt8]) throws -> [UInt8] {
        try authorityKey.authenticate(BindingContext.subjectToken(tenant: tenant, subject: subject, digest: digest))
    }

    // MARK: Upgrading a protocol 1 database

    /// The authority key. It is created once, and in the same transaction the rows that keyring
    /// migration 4 carried over from protocol 1 get their MACs: the rows of a keyring whose key
    /// exists were all bound, so a row whose MAC is missing later was changed outside Coffer and
    /// stays refused. Whatever stops the start that migrated (a crash, a master key file that
    /// does not open the keyring) before this transaction commits, the next start binds them.
    static func loadOrCreateAuthorityKey(keyring: Database, master: MasterKeyring) throws -> HMACSHA256 {
        try keyring.transaction {
            let creating = try keyring.row("SELECT 1 FROM service_keys WHERE name = 'authority'") == nil
            let key = try loadOrCreateServiceKey("authority", keyring: keyring, master: master)
            if creating { try bindRowsCarriedOverFromProtocol1(keyring: keyring, under: key) }
            return key
        }
    }

    /// MACs the tenant rows and the administrator credentials that keyring migration 4 carried
    /// over (their authority is NULL or empty). Runs in the transaction that creates `key`.
    private static func bindRowsCarriedOverFromProtocol1(keyring: Database, under key: HMACSHA256) throws {
        for row in try keyring.rows("SELECT id, name, subject_self_edit, claimed FROM tenants WHERE authority IS NULL") {
            guard let id = row.int64(0), let name = row.text(1) else { continue }
            try keyring.run("UPDATE tenants SET authority = ? WHERE id = ?",
                            try tenantAuthority(id: id, name: name, subjectSelfEdit: row.int64(2) == 1, claimed: row.int64(3) == 1, under: key), id)
        }
        for row in try keyring.rows("SELECT digest, tenant_id FROM credentials WHERE authority = x''") {
            guard let digest = row.blob(0), let tenant = row.int64(1) else { continue }
            let credential = Credential(role: .tenant, pending: false, tenantID: tenant, expiresAt: nil)
            try keyring.run("UPDATE credentials SET authority = ? WHERE digest = ?",
                            try credentialAuthority(credential, digest: digest, under: key), digest)
        }
    }

    /// Rebinds, one tenant per transaction, what vault migration 7 left with protocol 1's
    /// contexts: data keys are rewrapped and values resealed with the subject's lookup digest in
    /// their context, and subject token digests get their MAC. An interrupted start resumes
    /// with the tenants still listed. Shredded tenants are skipped: their rows are unreadable.
    func rebindProtocol1Tenants() throws {
        let pending = try vault.rows("SELECT tenant_id FROM binding_upgrade").compactMap { $0.int64(0) }
        for tenantID in pending {
            try vault.transaction {
                if let name = try tenantName(id: tenantID) {
                    let tenant = try tenant(name).keys
                    let subjects = try vault.rows("SELECT id, lookup, token FROM subjects WHERE tenant_id = ?", tenantID)
                    for row in subjects {
                        guard let id = row.int64(0), let lookup = row.blob(1) else { continue }
                        try rebindSubject(SubjectRef(id: id, lookup: lookup), token: row.blob(2), of: tenant)
                    }
                }
                try vault.run("DELETE FROM binding_upgrade WHERE tenant_id = ?", tenantID)
            }
        }
        if !pending.isEmpty { truncateWAL(of: vault) }  // the protocol 1 ciphertexts leave the WAL
    }

    private func rebindSubject(_ subject: SubjectRef, token: [UInt8]?, of tenant: TenantKeys) throws {
        var keys: [UInt32: AESGCM] = [:]
        let keyRows = try vault.rows("SELECT version, wrapped FROM data_keys WHERE subject_id = ?", subject.id)
        try countTenantKeySeals(tenant, Int64(keyRows.count))
        for row in keyRows {
            guard let version = row.int64(0).map(UInt32.init), let wrapped = row.blob(1) else { continue }
            let key = try KeyWrap.unwrap(wrapped, context: BindingContext.dataKeyProtocol1(tenant: tenant.tenantID, subject: subject.id, version: version)) {
                (kekVersion) throws(CryptoError) in try tenant.keyEncryptionKey(kekVersion)
            }
            keys[version] = try AESGCM(key: key)
            try vault.run("UPDATE data_keys SET wrapped = ?, kek_version = ? WHERE subject_id = ? AND version = ?",
                          try KeyWrap.wrap(key, under: tenant.current, kekVersion: tenant.currentVersion,
                                           context: BindingContext.dataKey(tenant: tenant.tenantID, subject: subject, version: version)),
                          Int64(tenant.currentVersion), subject.id, Int64(version))
        }
        guard !keys.isEmpty else { throw VaultError.corrupt("subject without a data key") }
        let subjectKeys = SubjectKeys(keys: keys)
        let fields = try vault.rows("SELECT name, value FROM fields WHERE subject_id = ?", subject.id)
        if !fields.isEmpty { _ = try countDataKeySeals(subject: subject.id, version: subjectKeys.currentVersion, Int64(fields.count)) }
        for row in fields {
            guard let field = row.text(0), let sealed = row.blob(1) else { continue }
            let value = try Envelope.open(sealed, context: BindingContext.fieldProtocol1(tenant: tenant.tenantID, subject: subject.id, field: field)) {
                (version) throws(CryptoError) in try subjectKeys.key(version)
            }
            // Resealed under the current version: older versions stay until the next rekey.
            let resealed = try Envelope.seal(value, using: subjectKeys.current, keyVersion: subjectKeys.currentVersion,
                                             context: BindingContext.field(tenant: tenant.tenantID, subject: subject, field: field))
            try vault.run("UPDATE fields SET value = ? WHERE subject_id = ? AND name = ?", resealed, subject.id, field)
        }
        if let token {
            try vault.run("UPDATE subjects SET token_authority = ? WHERE id = ?",
                          try subjectTokenAuthority(tenant: tenant.tenantID, subject: subject.id, digest: token), subject.id)
        }
    }
}
