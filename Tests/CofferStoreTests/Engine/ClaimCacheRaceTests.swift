import XCTest
import CSQLite
@testable import CofferStore

/// A reader that loads a tenant while the writer commits its claim (the first `AUTH` with its
/// administrator token) must not leave it cached as unclaimed: `TENANT ENROLL`, which only an
/// unclaimed tenant allows, would then retire the tenant's administrator token and hand the
/// operator an enrollment token — the operator could claim the tenant and read everything.
final class ClaimCacheRaceTests: VaultTestCase {
    /// Runs `body` from SQLite's commit hook: inside the writer's COMMIT, before the commit is
    /// visible to other connections.
    private final class CommitHook {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    func testATenantLoadedWhileItsClaimCommitsIsNotCachedUnclaimed() throws {
        let writer = try VaultCore(configuration: configuration)
        let source = ReaderSource(writer: writer)
        let readers = ReaderPool(maximumReaders: 1) { try source.makeReader() }
        _ = try writer.createTenant("acme")
        let pending = try writer.claimTenant(TenantRef("acme"))

        var loadedUnclaimed = false
        let hook = Unmanaged.passRetained(CommitHook {
            // A session of this tenant reads meanwhile: its reader loads the row as committed so far.
            loadedUnclaimed = (try? readers.perform { core in try core.tenant("acme").claimed }) == false
        }).toOpaque()
        sqlite3_commit_hook(writer.keyring.handle, { context in
            Unmanaged<CommitHook>.fromOpaque(context!).takeUnretainedValue().body()
            return 0
        }, hook)
        let activated = try writer.activateCredential(digest: try writer.tokenDigest(Array(pending.utf8)))
        sqlite3_commit_hook(writer.keyring.handle, nil, nil)
        Unmanaged<CommitHook>.fromOpaque(hook).release()

        XCTAssertEqual(activated.map(Self.describe), "tenant acme")
        XCTAssertTrue(loadedUnclaimed, "control: a reader loaded the tenant during the claim's commit")
        XCTAssertTrue(try writer.tenant("acme").claimed, "the claim must not be forgotten by the cache")
        try writer.setSubjectSelfEdit(tenant: "acme", enabled: true)
        XCTAssertEqual(try writer.keyring.row("SELECT claimed FROM tenants WHERE name = 'acme'")?.int64(0), 1,
                       "a policy change must not write the tenant back as unclaimed")
        assertVaultError(try writer.enrollTenant("acme")) { if case .exists(.claim) = $0 { true } else { false } }
    }
}
