import XCTest
@testable import CofferStore

/// The database-level attacker: someone who can write the database files (or a backup that is
/// restored) but holds no master key. Each test makes a swap in the files that used to hand
/// over authority or data, and sees it refused.
final class VaultBindingTests: VaultTestCase {
    private func digest(_ token: String, _ vault: Vault) throws -> [UInt8] {
        try vault.tokenDigest(Array(token.utf8))
    }

    private func tenantID(_ name: String) throws -> Int64 {
        try XCTUnwrap(rawDatabase("keyring.db").row("SELECT id FROM tenants WHERE name = ?", name)?.int64(0))
    }

    func testATenantAdminTokenMovedToAnotherTenantIsRefused() throws {
        var tokenA = ""
        do {
            let vault = try openVault()
            tokenA = try createClaimedTenant(vault, "alpha")
            _ = try createClaimedTenant(vault, "beta")
            let digestA = try digest(tokenA, vault)
            vault.close()
            let keyring = try rawDatabase("keyring.db")
            try keyring.run("UPDATE credentials SET tenant_id = ? WHERE digest = ?", try tenantID("beta"), digestA)
        }
        let vault = try openVault()
        XCTAssertNil(try whoIs(tokenA, in: vault), "alpha's token must not become beta's administrator")
        XCTAssertNil(try vault.authenticate(digest: try digest(tokenA, vault)))
    }

    func testACredentialRowCopiedWithItsMACIntoAnotherTenantIsRefused() throws {
        var tokenA = ""
        do {
            let vault = try openVault()
            tokenA = try createClaimedTenant(vault, "alpha")
            _ = try createClaimedTenant(vault, "beta")
            vault.close()
            // Beta's row takes alpha's digest and MAC: the MAC binds the tenant id, not the row.
            let keyring = try rawDatabase("keyring.db")
            let rowA = try XCTUnwrap(keyring.row("SELECT digest, authority FROM credentials WHERE tenant_id = ?", try tenantID("alpha")))
            try keyring.run("DELETE FROM credentials WHERE tenant_id = ?", try tenantID("alpha"))
            try keyring.run("UPDATE credentials SET digest = ?, authority = ? WHERE tenant_id = ?",
                            rowA.blob(0)!, rowA.blob(1)!, try tenantID("beta"))
        }
        let vault = try openVault()
        XCTAssertNil(try whoIs(tokenA, in: vault))
    }

    func testAnOperatorCredentialForgedFromATenantTokenIsRefused() throws {
        var token = ""
        do {
            let vault = try openVault()
            token = try createClaimedTenant(vault, "alpha")
            vault.close()
            try rawDatabase("keyring.db").run("UPDATE credentials SET role = 'operator', tenant_id = NULL WHERE role = 'tenant'")
        }
        let vault = try openVault()
        XCTAssertNil(try whoIs(token, in: vault), "a tenant token turned into an operator row in the file")
    }

    func testASubjectTokenMovedToAnotherSubjectIsRefused() throws {
        var aliceToken = ""
        do {
            let vault = try openVault()
            _ = try createClaimedTenant(vault, "acme")
            for subject in ["alice", "bob"] {
                try vault.set(subject: subject, pairs: [FieldValue(field: "phone", value: subject)], tenant: "acme", createSubject: true)
            }
            aliceToken = try vault.issueToken(subject: "alice", tenant: "acme")
            XCTAssertEqual(try whoIs(aliceToken, in: vault), "subject acme alice", "control")
            vault.close()
            let raw = try rawDatabase("vault.db")
            let alice = try XCTUnwrap(raw.row("SELECT id, token, token_authority FROM subjects WHERE token IS NOT NULL"))
            try raw.run("UPDATE subjects SET token = NULL, token_authority = NULL WHERE id = ?", alice.int64(0)!)
            try raw.run("UPDATE subjects SET token = ?, token_authority = ? WHERE id <> ?", alice.blob(1)!, alice.blob(2)!, alice.int64(0)!)
        }
        let vault = try openVault()
        XCTAssertNil(try whoIs(aliceToken, in: vault), "alice's token must not become bob's")
    }

    func testSwappedLookupDigestsNeverOpenAnotherSubjectsData() throws {
        do {
            let vault = try openVault()
            _ = try createClaimedTenant(vault, "acme")
            try vault.set(subject: "alice", pairs: [FieldValue(field: "phone", value: "alice-secret")], tenant: "acme", createSubject: true)
            try vault.set(subject: "bob", pairs: [FieldValue(field: "phone", value: "bob-secret")], tenant: "acme", createSubject: true)
            vault.close()
            // Swap the lookup digests and sealed identifiers of the two rows (each pair stays consistent).
            let raw = try rawDatabase("vault.db")
            let rows = try raw.rows("SELECT id, lookup, sealed_name FROM subjects ORDER BY id")
            try raw.transaction {
                try raw.run("UPDATE subjects SET lookup = x'00', sealed_name = x'00' WHERE id = ?", rows[0].int64(0)!)
                try raw.run("UPDATE subjects SET lookup = ?, sealed_name = ? WHERE id = ?", rows[0].blob(1)!, rows[0].blob(2)!, rows[1].int64(0)!)
                try raw.run("UPDATE subjects SET lookup = ?, sealed_name = ? WHERE id = ?", rows[1].blob(1)!, rows[1].blob(2)!, rows[0].int64(0)!)
            }
        }
        let vault = try openVault()
        for (subject, other) in [("alice", "bob-secret"), ("bob", "alice-secret")] {
            do {
                let value = try vault.get(subject: subject, field: "phone", tenant: "acme")
                XCTAssertNotEqual(value, other, "\(subject)'s name must never open the other subject's data")
                XCTFail("a swapped row must not open at all")
            } catch {
                XCTAssertTrue(error.isCrypto || error.isCorrupt, "refused as a failed authentication, got \(error)")
            }
            assertVaultError(try vault.export(subject: subject, tenant: "acme")) { $0.isCrypto || $0.isCorrupt }
        }
    }

    func testAPolicyOrClaimWrittenIntoTheKeyringIsRefused() throws {
        do {
            let vault = try openVault()
            _ = try createClaimedTenant(vault, "acme")
            vault.close()
            try rawDatabase("keyring.db").run("UPDATE tenants SET subject_self_edit = 1")
        }
        let vault = try openVault()
        assertVaultError(try vault.subjectSelfEdit(tenant: "acme")) { $0.isCorrupt }
    }

    func testATenantRenamedInTheKeyringIsRefused() throws {
        do {
            let vault = try openVault()
            _ = try createClaimedTenant(vault, "alpha")
            _ = try createClaimedTenant(vault, "beta")
            vault.close()
            let keyring = try rawDatabase("keyring.db")
            try keyring.transaction {
                try keyring.run("UPDATE tenants SET name = 'x' WHERE name = 'alpha'")
                try keyring.run("UPDATE tenants SET name = 'alpha' WHERE name = 'beta'")
                try keyring.run("UPDATE tenants SET name = 'beta' WHERE name = 'x'")
            }
        }
        let vault = try openVault()
        assertVaultError(try vault.listSubjects(tenant: "alpha")) { $0.isCorrupt }
    }

    func testAProtocol1VaultIsReboundAtStartAndKeepsEveryValueAndToken() throws {
        var admin = "", subjectToken = ""
        do {
            let vault = try openVault()
            admin = try createClaimedTenant(vault, "acme")
            for index in 0..<20 {
                try vault.set(subject: "user\(index)", pairs: [FieldValue(field: "phone", value: "+49 \(index)"),
                                                              FieldValue(field: "city", value: "Berlin")], tenant: "acme", createSubject: true)
            }
            subjectToken = try vault.issueToken(subject: "user3", tenant: "acme")
            vault.close()
        }
        try Protocol1Downgrade.apply(directory: directory, configuration: configuration)
        XCTAssertEqual(try Migrator.userVersion(of: rawDatabase("vault.db")), 6, "control: a protocol 1 vault")

        let vault = try openVault()
        for index in 0..<20 {
            XCTAssertEqual(try vault.get(subject: "user\(index)", field: "phone", tenant: "acme"), "+49 \(index)")
        }
        XCTAssertEqual(try whoIs(admin, in: vault), "tenant acme", "the admin token carried over, now with its MAC")
        XCTAssertEqual(try whoIs(subjectToken, in: vault), "subject acme user3")
        XCTAssertEqual(try vault.find(field: "city", value: "Berlin", tenant: "acme").subjects.count, 20)
        XCTAssertEqual(try rawDatabase("vault.db").row("SELECT count(*) FROM binding_upgrade")?.int64(0), 0)
        XCTAssertEqual(try vault.listTenants().map(\.name), ["acme"])
        // New tenants keep getting ids above every earlier one.
        _ = try vault.createTenant("later")
        XCTAssertGreaterThan(try tenantID("later"), try tenantID("acme"))
    }

    /// The rows keyring migration 4 carried over get their MACs whenever the start that ran the
    /// migration did not get that far (a crash right after the migrations committed); the next
    /// start must still find the tenant and its administrator token.
    func testAProtocol1UpgradeWhoseFirstStartStoppedAfterTheMigrationBindsItsRowsAtTheNextStart() throws {
        var admin = ""
        do {
            let vault = try openVault()
            admin = try createClaimedTenant(vault, "acme")
            try vault.set(subject: "alice", pairs: [FieldValue(field: "phone", value: "+49 1")], tenant: "acme", createSubject: true)
            vault.close()
        }
        try Protocol1Downgrade.apply(directory: directory, configuration: configuration)
        // A start that stopped right after the migrations committed (a crash there):
        try Migrator.migrate(try rawDatabase("keyring.db"), Schema.keyring)
        XCTAssertEqual(try Migrator.userVersion(of: rawDatabase("keyring.db")), Schema.keyring.count, "control: the keyring was migrated")

        let vault = try openVault()
        XCTAssertEqual(try whoIs(admin, in: vault), "tenant acme", "the carried-over admin token still works")
        XCTAssertEqual(try vault.get(subject: "alice", field: "phone", tenant: "acme"), "+49 1")
    }

    func testAMasterKeyOfOtherDatabasesIsRefusedBeforeAnythingIsMigrated() throws {
        do {
            let vault = try openVault()
            _ = try createClaimedTenant(vault, "acme")
            try vault.set(subject: "alice", pairs: [FieldValue(field: "phone", value: "1")], tenant: "acme", createSubject: true)
            vault.close()
        }
        try Protocol1Downgrade.apply(directory: directory, configuration: configuration)
        let rightKey = try Data(contentsOf: URL(fileURLWithPath: configuration.masterKeyPath))
        try MasterKeyFile.generate().save(to: configuration.masterKeyPath)

        assertVaultError(try openVault()) { error in
            error.isKeyFile && error.description.contains(self.configuration.masterKeyPath) && error.description.contains("nothing was changed")
        }
        XCTAssertEqual(try Migrator.userVersion(of: rawDatabase("keyring.db")), 3, "the keyring was not migrated")
        XCTAssertEqual(try Migrator.userVersion(of: rawDatabase("vault.db")), 6, "the vault was not migrated")

        try rightKey.write(to: URL(fileURLWithPath: configuration.masterKeyPath))
        let vault = try openVault()
        XCTAssertEqual(try vault.get(subject: "alice", field: "phone", tenant: "acme"), "1")
    }
}

private extension Error {
    var isCrypto: Bool { (self as? VaultError)?.isCrypto ?? false }
    var isCorrupt: Bool { (self as? VaultError)?.isCorrupt ?? false }
}
