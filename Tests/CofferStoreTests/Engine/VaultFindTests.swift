import XCTest
@testable import CofferStore

final class VaultFindTests: VaultTestCase {
    private func phone(_ value: String) -> [FieldValue] { [FieldValue(field: "phone", value: value)] }

    func testFindReturnsEverySubjectWithThatExactValueInTheOrderTheyWereCreated() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        for subject in ["zoe", "Émile", "alice", "Bob"] {
            try vault.set(subject: subject, pairs: phone("+1 555 0100"), tenant: "acme", createSubject: true)
        }
        try vault.set(subject: "carol", pairs: phone("+1 555 0101"), tenant: "acme", createSubject: true)
        try vault.set(subject: "dave", pairs: [FieldValue(field: "fax", value: "+1 555 0100")], tenant: "acme", createSubject: true)

        XCTAssertEqual(try vault.find(field: "phone", value: "+1 555 0100", tenant: "acme").subjects, ["zoe", "Émile", "alice", "Bob"])
        XCTAssertEqual(try vault.find(field: "phone", value: "+1 555 0101", tenant: "acme").subjects, ["carol"])
        XCTAssertEqual(try vault.find(field: "fax", value: "+1 555 0100", tenant: "acme").subjects, ["dave"], "the field is part of the match")
        for near in ["+1 555 010", "+1 555 01000", "+1 555 0100 ", ""] {
            XCTAssertEqual(try vault.find(field: "phone", value: near, tenant: "acme").subjects, [], "exact match only")
        }
        XCTAssertEqual(try vault.find(field: "email", value: "+1 555 0100", tenant: "acme").subjects, [])
    }

    func testFindComparesBytesWithoutUnicodeNormalisation() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try vault.set(subject: "composed", pairs: [FieldValue(field: "city", value: "K\u{00F6}ln")], tenant: "acme", createSubject: true)
        try vault.set(subject: "decomposed", pairs: [FieldValue(field: "city", value: "Ko\u{0308}ln")], tenant: "acme", createSubject: true)
        XCTAssertEqual(try vault.find(field: "city", value: "K\u{00F6}ln", tenant: "acme").subjects, ["composed"])
        XCTAssertEqual(try vault.find(field: "city", value: "Ko\u{0308}ln", tenant: "acme").subjects, ["decomposed"])
    }

    func testFindStopsFindingAfterEditDeleteAndSubjectShred() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        for subject in ["edited", "deleted", "shredded", "kept"] {
            try vault.set(subject: subject, pairs: phone("42"), tenant: "acme", createSubject: true)
        }
        XCTAssertEqual(try vault.find(field: "phone", value: "42", tenant: "acme").subjects, ["edited", "deleted", "shredded", "kept"])

        try vault.set(subject: "edited", pairs: phone("43"), tenant: "acme", createSubject: false)
        try vault.delete(subject: "deleted", field: "phone", tenant: "acme")
        try vault.shredSubject("shredded", tenant: "acme")

        XCTAssertEqual(try vault.find(field: "phone", value: "42", tenant: "acme").subjects, ["kept"])
        XCTAssertEqual(try vault.find(field: "phone", value: "43", tenant: "acme").subjects, ["edited"])

        // A re-created subject of the same name starts empty: the old entry does not come back.
        try vault.addSubject("shredded", tenant: "acme")
        XCTAssertEqual(try vault.find(field: "phone", value: "42", tenant: "acme").subjects, ["kept"])
        XCTAssertEqual(try rawDatabase("vault.db").row("SELECT count(*) FROM fields WHERE digest IS NOT NULL")?.int64(0), 2,
                       "the deleted and shredded entries are gone with their rows")
    }

    func testFindNeverCrossesTenants() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        _ = try vault.createTenant("globex")
        try vault.set(subject: "alice", pairs: phone("42"), tenant: "acme", createSubject: true)
        try vault.set(subject: "alice", pairs: phone("42"), tenant: "globex", createSubject: true)
        try vault.set(subject: "bob", pairs: phone("42"), tenant: "globex", createSubject: true)
        XCTAssertEqual(try vault.find(field: "phone", value: "42", tenant: "acme").subjects, ["alice"])
        XCTAssertEqual(try vault.find(field: "phone", value: "42", tenant: "globex").subjects, ["alice", "bob"])

        // The same value has a different digest in each tenant: the index links nothing across them.
        let digests = try rawDatabase("vault.db").rows("SELECT DISTINCT digest FROM fields").compactMap { $0.blob(0) }
        XCTAssertEqual(digests.count, 2)

        try vault.shredTenant("globex")
        vault.waitForPurge()
        assertVaultError(try vault.find(field: "phone", value: "42", tenant: "globex")) { $0.isNotFound }
        _ = try vault.createTenant("globex")
        XCTAssertEqual(try vault.find(field: "phone", value: "42", tenant: "globex").subjects, [], "nothing of the old tenant comes back")
        XCTAssertEqual(try rawDatabase("vault.db").row("SELECT count(*) FROM fields WHERE digest IS NOT NULL")?.int64(0), 1,
                       "the purge removed its entries")
    }

    func testFindWorksAfterARestart() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            try vault.set(subject: "alice", pairs: phone("42"), tenant: "acme", createSubject: true)
        }
        let reopened = try openVault()
        XCTAssertEqual(try reopened.find(field: "phone", value: "42", tenant: "acme").subjects, ["alice"])
    }

    func testFieldsStoredBeforeTheIndexExistedAreIndexedAtTheNextStart() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            try vault.set(subject: "alice", pairs: phone("42"), tenant: "acme", createSubject: true)
            try vault.set(subject: "bob", pairs: phone("42"), tenant: "acme", createSubject: true)
        }
        // What a database migrated from schema version 1 looks like: fields, no digests.
        let raw = try rawDatabase("vault.db")
        try raw.execute("UPDATE fields SET digest = NULL; INSERT INTO find_index_backfill SELECT DISTINCT tenant_id FROM subjects;")
        XCTAssertEqual(try raw.row("SELECT count(*) FROM fields WHERE digest IS NULL")?.int64(0), 2)

        let reopened = try openVault()
        XCTAssertEqual(try reopened.find(field: "phone", value: "42", tenant: "acme").subjects, ["alice", "bob"])
        XCTAssertEqual(try raw.row("SELECT count(*) FROM find_index_backfill")?.int64(0), 0)
        XCTAssertEqual(try raw.row("SELECT count(*) FROM fields WHERE digest IS NULL")?.int64(0), 0)
    }

    /// Schema version 6 moved the digests from the `find_index` table into the field rows.
    func testAVaultWithTheSeparateIndexTableKeepsItsDigestsWhenMigrated() throws {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            try vault.set(subject: "alice", pairs: phone("42"), tenant: "acme", createSubject: true)
            try vault.set(subject: "bob", pairs: phone("42") + [FieldValue(field: "fax", value: "7")], tenant: "acme", createSubject: true)
        }
        // Turn the file back into what schema version 5 wrote: the digests in their own table.
        try Protocol1Downgrade.apply(directory: directory, configuration: configuration)
        let raw = try rawDatabase("vault.db")
        try raw.execute("""
            CREATE TABLE find_index (subject_id INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
                                     field TEXT NOT NULL, digest BLOB NOT NULL, PRIMARY KEY (subject_id, field)) WITHOUT ROWID;
            INSERT INTO find_index SELECT subject_id, name, digest FROM fields;
            CREATE INDEX find_index_by_digest ON find_index(digest);
            DROP INDEX fields_by_digest;
            ALTER TABLE fields DROP COLUMN digest;
            DELETE FROM find_index WHERE field = 'fax';   -- an entry the old index lacked
            PRAGMA user_version = 5;
            """)
        let digestsBefore = try raw.rows("SELECT digest FROM find_index WHERE field = 'phone' ORDER BY subject_id").compactMap { $0.blob(0) }

        let reopened = try openVault()
        XCTAssertEqual(try Migrator.userVersion(of: raw), Schema.vault.map(\.version).max())
        XCTAssertNil(try raw.row("SELECT name FROM sqlite_schema WHERE name = 'find_index'"), "the old table is gone")
        XCTAssertEqual(try raw.rows("SELECT digest FROM fields WHERE name = 'phone' ORDER BY subject_id").compactMap { $0.blob(0) },
                       digestsBefore, "the digests were carried over, not recomputed differently")
        XCTAssertEqual(try reopened.find(field: "phone", value: "42", tenant: "acme").subjects, ["alice", "bob"])
        XCTAssertEqual(try reopened.find(field: "fax", value: "7", tenant: "acme").subjects, ["bob"], "the missing entry was filled in at start")
        XCTAssertEqual(try raw.row("SELECT count(*) FROM find_index_backfill")?.int64(0), 0)
    }

    /// Pages another connection left in the vault's WAL, which that connection keeps open so
    /// that closing it does not checkpoint them away. Returns it and the WAL's path.
    private func leaveAGrownWAL() throws -> (Database, String) {
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            try vault.set(subject: "alice", pairs: phone("42"), tenant: "acme", createSubject: true)
        }
        let raw = try rawDatabase("vault.db")
        try raw.execute("""
            CREATE TABLE scratch (x BLOB);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
            INSERT INTO scratch SELECT randomblob(4000) FROM n;
            -- as after a migration: a tenant whose digests the next start fills in
            INSERT INTO find_index_backfill SELECT DISTINCT tenant_id FROM subjects;
            """)
        let walPath = configuration.vaultPath + "-wal"
        XCTAssertGreaterThan(try walSize(walPath), 100_000)
        return (raw, walPath)
    }

    private func walSize(_ path: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    /// A migration can leave a WAL as large as the tables it rewrote; SQLite never shrinks one.
    func testAStartThatMigratedEmptiesTheWAL() throws {
        let (raw, walPath) = try leaveAGrownWAL()
        let vault = try openVault()
        XCTAssertEqual(try walSize(walPath), 0)
        XCTAssertEqual(try vault.find(field: "phone", value: "42", tenant: "acme").subjects, ["alice"])
        withExtendedLifetime(raw) {}
    }

    /// A backup holding a snapshot while the server starts: the WAL is left as it is, the start
    /// does not wait for the snapshot, and later commits do not retry (and wait) either.
    func testAStartThatMigratedDoesNotWaitForAReaderOfTheWAL() throws {
        let (raw, walPath) = try leaveAGrownWAL()
        let grown = try walSize(walPath)
        try raw.execute("BEGIN")
        XCTAssertNotNil(try raw.row("SELECT count(*) FROM scratch"))
        let started = Date()
        let vault = try openVault()
        try vault.set(subject: "bob", pairs: phone("43"), tenant: "acme", createSubject: true)
        // The busy timeout is 5 s: waiting for the snapshot even once would take that long.
        XCTAssertLessThan(Date().timeIntervalSince(started), 4)
        XCTAssertGreaterThanOrEqual(try walSize(walPath), grown)
        XCTAssertTrue(try vault.write { $0.pendingTruncations.isEmpty }, "no truncation left to retry after each commit")
        try raw.execute("COMMIT")
    }

    func testFindRefusesAnInvalidFieldOrAnOversizedValue() throws {
        configuration.maxValueBytes = 8
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        assertVaultError(try vault.find(field: "Phone", value: "1", tenant: "acme")) { $0.isInvalid }
        assertVaultError(try vault.find(field: "phone", value: "123456789", tenant: "acme")) { $0.isInvalid }
        XCTAssertEqual(try vault.find(field: "phone", value: "12345678", tenant: "acme").subjects, [])
        assertVaultError(try vault.find(field: "phone", value: "1", tenant: "nobody")) { $0.isNotFound }
    }
}
