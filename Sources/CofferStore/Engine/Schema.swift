/// The numbered schema migrations of the two databases.
///
/// The keyring holds what must be destroyed to shred: tenants and their wrapped keys. The vault
/// holds everything else, all of it encrypted or keyed-hashed under keys the keyring wraps.
/// They are separate files so that a vault backup without the keyring is unreadable, and so that
/// the keyring, which is small, can be kept under a short, stated backup retention.
enum Schema {
    static let keyring: [Migration] = [
        Migration(version: 1, sql: """
            CREATE TABLE tenants (
                id INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: a re-created tenant starts afresh
                name TEXT NOT NULL UNIQUE,
                admin_token BLOB NOT NULL UNIQUE,       -- HMAC-SHA256 of the admin token under the token key
                index_key BLOB NOT NULL,                -- wrapped under the master key
                subject_self_edit INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL
            );
            CREATE TABLE tenant_keys (
                tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                wrapped BLOB NOT NULL,                  -- wrapped under the master key
                created_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, version)
            ) WITHOUT ROWID;
            CREATE TABLE service_keys (
                name TEXT PRIMARY KEY,
                wrapped BLOB NOT NULL                   -- wrapped under the master key
            ) WITHOUT ROWID;
            """),
        // Key rotation (issue 4): the nonce budget of every key.
        Migration(version: 2, sql: """
            ALTER TABLE tenant_keys ADD COLUMN seals INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE master_seals (
                version INTEGER PRIMARY KEY,            -- a master key version
                seals INTEGER NOT NULL DEFAULT 0        -- encryptions it has performed
            );
            """),
        Migration(version: 3, sql: """
            -- The tenant's audit key seals the subject identifiers and field names of its audit
            -- records (wrapped under the master key, created on first use). It is never rotated
            -- or resealed, since the records are chained by MAC; it dies with the tenant.
            ALTER TABLE tenants ADD COLUMN audit_key BLOB;
            -- The newest audit record, kept apart from the chain in vault.db: a chain that ends
            -- before it has lost its last records.
            CREATE TABLE audit_head (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                seq INTEGER NOT NULL,
                mac BLOB NOT NULL
            );
            """),
        // Protocol 2: tokens leave the tenant row for a table of credentials, each bound to its
        // principal by a MAC (`authority`), and a tenant is claimed by its administrator instead of
        // being handed one by the operator. SQLite cannot drop the UNIQUE `admin_token` column, so
        // `tenants` is rebuilt; `tenant_keys`, which references it, is rebuilt first so that no
        // cascade runs, and the AUTOINCREMENT high-water mark is carried over (ids never reused).
        // The rows carried over get their MACs in the transaction that creates the authority key
        // (`VaultCore.loadOrCreateAuthorityKey`).
        Migration(version: 4, sql: """
            CREATE TABLE tenants_v4 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                index_key BLOB NOT NULL,
                subject_self_edit INTEGER NOT NULL DEFAULT 0,
                created_at INTEGER NOT NULL,
                audit_key BLOB,
                claimed INTEGER NOT NULL DEFAULT 0,     -- 1 once an administrator token was first used
                authority BLOB                          -- MAC of id, name, policy and claim under the authority key
            );
            INSERT INTO tenants_v4 (id, name, index_key, subject_self_edit, created_at, audit_key, claimed)
                SELECT id, name, index_key, subject_self_edit, created_at, audit_key, 1 FROM tenants;
            INSERT INTO sqlite_sequence (name, seq)
                SELECT 'tenants_v4', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'tenants_v4');
            UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM sqlite_sequence WHERE name IN ('tenants', 'tenants_v4'))
                WHERE name = 'tenants_v4';
            CREATE TABLE tenant_keys_v4 (
                tenant_id INTEGER NOT NULL REFERENCES tenants_v4(id) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                wrapped BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                seals INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (tenant_id, version)
            ) WITHOUT ROWID;
            INSERT INTO tenant_keys_v4 (tenant_id, version, wrapped, created_at, seals)
                SELECT tenant_id, version, wrapped, created_at, seals FROM tenant_keys;
            CREATE TABLE credentials (
                digest BLOB PRIMARY KEY,                -- HMAC-SHA256 of the token under the token key
                role TEXT NOT NULL,                     -- operator, enrollment or tenant
                pending INTEGER NOT NULL DEFAULT 0,     -- 1 until its first successful AUTH
                tenant_id INTEGER REFERENCES tenants_v4(id) ON DELETE CASCADE,
                expires_at INTEGER,                     -- seconds since 1970; NULL: does not expire
                authority BLOB NOT NULL                 -- MAC of all of the above under the authority key
            ) WITHOUT ROWID;
            INSERT INTO credentials (digest, role, pending, tenant_id, authority)
                SELECT admin_token, 'tenant', 0, id, x'' FROM tenants;
            DROP TABLE tenant_keys;
            DROP TABLE tenants;
            ALTER TABLE tenants_v4 RENAME TO tenants;
            ALTER TABLE tenant_keys_v4 RENAME TO tenant_keys;
            CREATE INDEX credentials_by_tenant ON credentials(tenant_id);
            """),
        // Tenant audit keys get versions and a nonce budget (issue 12): details are sealed under
        // the newest version, each envelope names the version it was sealed under, and a new
        // version is added when the newest reaches its budget. A version stays while a record
        // still needs it (until retention prunes its records, or the tenant is shredded).
        Migration(version: 5, sql: """
            CREATE TABLE tenant_audit_keys (
                tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                wrapped BLOB NOT NULL,                  -- wrapped under the master key
                seals INTEGER DEFAULT 0,                -- details sealed under it, reserved ahead (SealBudget); NULL: not counted yet
                created_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, version)
            ) WITHOUT ROWID;
            -- The unversioned key becomes version 1, the version its records' envelopes name,
            -- with the wrapping it has. Its seals were never counted: the engine bounds them at
            -- the next start (VaultCore.boundUncountedAuditKeySeals).
            INSERT INTO tenant_audit_keys (tenant_id, version, wrapped, seals, created_at)
                SELECT id, 1, audit_key, NULL, created_at FROM tenants WHERE audit_key IS NOT NULL;
            ALTER TABLE tenants DROP COLUMN audit_key;
            """),
    ]

    static let vault: [Migration] = [
        Migration(version: 1, sql: """
            CREATE TABLE subjects (
                id INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: a re-added subject starts afresh
                tenant_id INTEGER NOT NULL,
                lookup BLOB NOT NULL,                   -- HMAC-SHA256 of the identifier under the tenant's index key
                sealed_name BLOB NOT NULL,              -- the identifier, sealed under the tenant's key-encryption key
                token BLOB,                             -- HMAC-SHA256 of the subject's token, if one was issued
                created_at INTEGER NOT NULL,
                UNIQUE (tenant_id, lookup)
            );
            CREATE UNIQUE INDEX subjects_by_token ON subjects(token) WHERE token IS NOT NULL;
            CREATE TABLE data_keys (
                subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                wrapped BLOB NOT NULL,                  -- wrapped under the tenant's key-encryption key
                PRIMARY KEY (subject_id, version)
            ) WITHOUT ROWID;
            CREATE TABLE fields (
                subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                value BLOB NOT NULL,                    -- envelope sealed under the subject's data key
                PRIMARY KEY (subject_id, name)
            ) WITHOUT ROWID;
            """),
        // Key rotation (issue 4): which tenant key wraps what, nonce budgets, re-encryption jobs.
        Migration(version: 2, sql: """
            ALTER TABLE subjects ADD COLUMN name_kek_version INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE data_keys ADD COLUMN kek_version INTEGER NOT NULL DEFAULT 1;
            ALTER TABLE data_keys ADD COLUMN seals INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX subjects_by_tenant ON subjects (tenant_id, id);   -- rotations walk a tenant in id order
            CREATE TABLE rotation_jobs (
                tenant_id INTEGER PRIMARY KEY,          -- one re-encryption job per tenant at a time
                until_subject INTEGER NOT NULL,         -- subjects up to this id existed when it started
                cursor INTEGER NOT NULL DEFAULT 0,      -- subjects up to this id are done
                done INTEGER NOT NULL DEFAULT 0,
                total INTEGER NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER                     -- NULL while running
            );
            """),
        Migration(version: 3, sql: """
            CREATE TABLE find_index (
                subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
                field TEXT NOT NULL,
                digest BLOB NOT NULL,                   -- HMAC-SHA256 of (field, value) under the tenant's index key
                PRIMARY KEY (subject_id, field)
            ) WITHOUT ROWID;
            CREATE INDEX find_index_by_digest ON find_index(digest);
            -- Tenants whose fields predate the index; the engine indexes them at the next start.
            CREATE TABLE find_index_backfill (tenant_id INTEGER PRIMARY KEY);
            INSERT INTO find_index_backfill SELECT DISTINCT tenant_id FROM subjects;
            """),
        Migration(version: 4, sql: """
            CREATE TABLE erasure_requests (
                id INTEGER PRIMARY KEY AUTOINCREMENT,   -- arrival order, to break ties within a second
                subject_id INTEGER NOT NULL UNIQUE REFERENCES subjects(id) ON DELETE CASCADE,
                tenant_id INTEGER NOT NULL,
                requested_at INTEGER NOT NULL           -- seconds since 1970, UTC
            );
            CREATE INDEX erasure_requests_by_tenant ON erasure_requests(tenant_id, requested_at, id);
            """),
        Migration(version: 5, sql: """
            CREATE TABLE audit (
                seq INTEGER PRIMARY KEY,                -- 1, 2, 3, ... without gaps: a gap is a deleted record
                time INTEGER NOT NULL,                  -- seconds since 1970, UTC
                tenant_id INTEGER,                      -- whose trail; NULL: the service's own
                tenant TEXT,                            -- that tenant's name, or the one an operator command named
                actor TEXT NOT NULL,                    -- operator, tenant, subject, anonymous or service
                actor_hash BLOB,                        -- HMAC-SHA256 of the actor's identity under the audit key
                action TEXT NOT NULL,                   -- the verb and sub-verb (SET, TENANT SHRED)
                result TEXT NOT NULL,                   -- ok or the error code
                detail BLOB,                            -- subject identifier and field names, sealed under the tenant's audit key
                anchor_seq INTEGER,                     -- a pruning record: the first record kept
                anchor_mac BLOB,                        -- a pruning record: the MAC that record chains to
                mac BLOB NOT NULL                       -- HMAC-SHA256(audit key, previous MAC and this record)
            );
            CREATE INDEX audit_by_tenant ON audit(tenant_id, seq);
            CREATE INDEX audit_anchors ON audit(seq) WHERE anchor_seq IS NOT NULL;
            """),
        // The FIND digest moves into the field's own row: a SET then rewrites one row and the
        // digest index instead of also a second table (1.12–1.16× the SET throughput,
        // docs/BENCHMARKS.md). Fields without an entry are digested at the next start.
        Migration(version: 6, sql: """
            ALTER TABLE fields ADD COLUMN digest BLOB;  -- HMAC-SHA256 of (name, value) under the tenant's index key; NULL: not yet indexed
            UPDATE fields SET digest = (SELECT f.digest FROM find_index f WHERE f.subject_id = fields.subject_id AND f.field = fields.name);
            DROP TABLE find_index;
            CREATE INDEX fields_by_digest ON fields(digest) WHERE digest IS NOT NULL;
            INSERT OR IGNORE INTO find_index_backfill
                SELECT DISTINCT s.tenant_id FROM fields f JOIN subjects s ON s.id = f.subject_id WHERE f.digest IS NULL;
            """),
        // Protocol 2: a subject token's digest is bound to its row, and the subject's lookup digest
        // to its data key and field values. Tenants listed in `binding_upgrade` still have data
        // keys and values sealed under the protocol 1 contexts; the engine rebinds them at start.
        Migration(version: 7, sql: """
            ALTER TABLE subjects ADD COLUMN token_authority BLOB;   -- MAC of tenant, subject id and token digest
            CREATE TABLE binding_upgrade (tenant_id INTEGER PRIMARY KEY);
            INSERT INTO binding_upgrade SELECT DISTINCT tenant_id FROM subjects;
            """),
    ]
}
