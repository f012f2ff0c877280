import Foundation
@testable import CofferStore
import CofferCrypto

/// Turns a closed vault's files back into what protocol 1 wrote (vault schema 6, keyring
/// schema 3; tenant audit keys with only their version 1, which keeps protocol 1's wrapping): data keys and values under the contexts without the lookup digest, subject token
/// digests without their MAC, and the administrator token digest in the tenant row. Tests of the
/// upgrade open the result with today's engine.
enum Protocol1Downgrade {
    static func apply(directory: String, configuration: VaultConfiguration) throws {
        // Reseal with the keys of an open vault, then close it before rewriting the schemas.
        do {
            let vault = try Vault(configuration: configuration)
            try vault.write { core in
                for tenantRow in try core.keyring.rows("SELECT id, name FROM tenants") {
                    guard let tenantID = tenantRow.int64(0), let name = tenantRow.text(1) else { continue }
                    let tenant = try core.tenant(name).keys
                    for row in try core.vault.rows("SELECT id, lookup FROM subjects WHERE tenant_id = ?", tenantID) {
                        let ref = SubjectRef(id: row.int64(0)!, lookup: row.blob(1)!)
                        let keys = try core.subjectKeys(ref, of: tenant)
                        for (version, cipher) in keys.keys {
                            _ = cipher
                            let wrappedRow = try core.vault.row("SELECT wrapped FROM data_keys WHERE subject_id = ? AND version = ?", ref.id, Int64(version))!
                            let key = try KeyWrap.unwrap(wrappedRow.blob(0)!, context: BindingContext.dataKey(tenant: tenantID, subject: ref, version: version)) {
                                (v) throws(CryptoError) in try tenant.keyEncryptionKey(v)
                            }
                            try core.vault.run("UPDATE data_keys SET wrapped = ? WHERE subject_id = ? AND version = ?",
                                               try KeyWrap.wrap(key, under: tenant.current, kekVersion: tenant.currentVersion,
                                                                context: BindingContext.dataKeyProtocol1(tenant: tenantID, subject: ref.id, version: version)),
                                               ref.id, Int64(version))
                        }
                        for field in try core.vault.rows("SELECT name, value FROM fields WHERE subject_id = ?", ref.id) {
                            let name = field.text(0)!
                            let value = try core.openValue(field.blob(1)!, field: name, subject: ref, keys: keys, tenant: tenant)
                            try core.vault.run("UPDATE fields SET value = ? WHERE subject_id = ? AND name = ?",
                                               try Envelope.seal(Array(value.utf8), using: keys.current, keyVersion: keys.currentVersion,
                                                                 context: BindingContext.fieldProtocol1(tenant: tenantID, subject: ref.id, field: name)),
                                               ref.id, name)
                        }
                    }
                }
            }
            vault.close()
        }
        let vault = try Database(path: configuration.vaultPath)
        try vault.execute("""
            ALTER TABLE subjects DROP COLUMN token_authority;
            DROP TABLE binding_upgrade;
            PRAGMA user_version = 6;
            """)
        let keyring = try Database(path: configuration.keyringPath)
        try keyring.execute("""
            CREATE TABLE tenants_v3 (
                id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, admin_token BLOB NOT NULL UNIQUE,
                index_key BLOB NOT NULL, subject_self_edit INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, audit_key BLOB);
            INSERT INTO tenants_v3 (id, name, admin_token, index_key, subject_self_edit, created_at, audit_key)
                SELECT t.id, t.name, coalesce((SELECT c.digest FROM credentials c WHERE c.tenant_id = t.id AND c.role = 'tenant' LIMIT 1), randomblob(32)),
                       t.index_key, t.subject_self_edit, t.created_at,
                       (SELECT a.wrapped FROM tenant_audit_keys a WHERE a.tenant_id = t.id AND a.version = 1) FROM tenants t;
            CREATE TABLE tenant_keys_v3 (
                tenant_id INTEGER NOT NULL REFERENCES tenants_v3(id) ON DELETE CASCADE, version INTEGER NOT NULL,
                wrapped BLOB NOT NULL, created_at INTEGER NOT NULL, seals INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (tenant_id, version)) WITHOUT ROWID;
            INSERT INTO tenant_keys_v3 SELECT tenant_id, version, wrapped, created_at, seals FROM tenant_keys;
            DROP TABLE credentials;
            DROP TABLE tenant_audit_keys;
            DROP TABLE tenant_keys;
            DROP TABLE tenants;
            ALTER TABLE tenants_v3 RENAME TO tenants;
            ALTER TABLE tenant_keys_v3 RENAME TO tenant_keys;
            DELETE FROM service_keys WHERE name = 'authority';
            PRAGMA user_version = 3;
            """)
    }
}
