import XCTest
@testable import CofferStore

/// CONTRACT.md §6 "Paging": `SUBJECT LIST` and `FIND` answer pages with an opaque cursor bound to
/// the tenant and the listing, and never decrypt more than the page they return. Pages of 3 here
/// (`listingPageSize`); the server's are 1000.
final class VaultPagingTests: VaultTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        configuration.listingPageSize = 3
    }

    private func phone(_ value: String) -> [FieldValue] { [FieldValue(field: "phone", value: value)] }

    /// Follows the cursors to the last page; `between` runs after each page but the last.
    private func everyPage(_ page: (String?) throws -> SubjectPage, between: (Int) throws -> Void = { _ in }) throws -> [[String]] {
        var pages: [[String]] = []
        var cursor: String?
        repeat {
            let next = try page(cursor)
            XCTAssertLessThanOrEqual(next.subjects.count, configuration.listingPageSize)
            pages.append(next.subjects)
            cursor = next.next
            if cursor != nil { try between(pages.count) }
            XCTAssertLessThan(pages.count, 100, "the listing never ends")
        } while cursor != nil && pages.count < 100
        return pages
    }

    func testEverySubjectThatStaysIsListedExactlyOnceWhileOthersComeAndGo() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        let staying = (0..<10).map { "stay-\($0)" }
        let going = (0..<5).map { "go-\($0)" }
        for index in 0..<10 {
            try vault.addSubject(staying[index], tenant: "acme")
            if index < going.count { try vault.addSubject(going[index], tenant: "acme") }
        }
        var shredded: [String: Int] = [:]
        let pages = try everyPage({ try vault.listSubjects(tenant: "acme", cursor: $0) }) { done in
            // Between pages: a subject is shredded (one already listed, then ones not yet reached),
            // and a new one added.
            if done <= going.count {
                let subject = going[(done * 2) % going.count]   // go-2, go-4 (not reached yet), go-1 (listed), …
                try vault.shredSubject(subject, tenant: "acme")
                shredded[subject] = done
            }
            try vault.addSubject("new-\(done)", tenant: "acme")
        }
        let listed = pages.flatMap { $0 }
        XCTAssertEqual(Set(listed).count, listed.count, "no subject twice: \(pages)")
        XCTAssertEqual(listed.filter { $0.hasPrefix("stay-") }.sorted(), staying.sorted(), "every subject that stayed, once")
        for (subject, afterPage) in shredded {
            XCTAssertFalse(pages.dropFirst(afterPage).joined().contains(subject), "\(subject) was listed after its shred")
        }
        XCTAssertTrue(pages.dropLast().allSatisfy { $0.count == 3 }, "full pages but the last: \(pages.map(\.count))")
    }

    func testEveryMatchThatStaysIsFoundExactlyOnceWhileOthersChange() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        let staying = (0..<8).map { "stay-\($0)" }
        let changing = (0..<4).map { "change-\($0)" }
        for index in 0..<8 {
            try vault.set(subject: staying[index], pairs: phone("42"), tenant: "acme", createSubject: true)
            try vault.set(subject: "other-\(index)", pairs: phone("43"), tenant: "acme", createSubject: true)
            if index < changing.count {
                try vault.set(subject: changing[index], pairs: phone("42"), tenant: "acme", createSubject: true)
            }
        }
        let pages = try everyPage({ try vault.find(field: "phone", value: "42", tenant: "acme", cursor: $0) }) { done in
            // What the listing does not select may change: another field of a listed subject.
            try vault.set(subject: staying[(done * 3) % staying.count], pairs: [FieldValue(field: "fax", value: "\(done)")],
                          tenant: "acme", createSubject: false)
            // What it selects: a value edited away, a field deleted, a subject shredded, a new match.
            if done <= changing.count {
                let subject = changing[changing.count - done]   // the last first: not reached yet
                switch done % 3 {
                case 0: try vault.set(subject: subject, pairs: phone("44"), tenant: "acme", createSubject: false)
                case 1: try vault.delete(subject: subject, field: "phone", tenant: "acme")
                default: try vault.shredSubject(subject, tenant: "acme")
                }
            }
            try vault.set(subject: "new-\(done)", pairs: phone("42"), tenant: "acme", createSubject: true)
        }
        let found = pages.flatMap { $0 }
        XCTAssertEqual(Set(found).count, found.count, "no subject twice: \(pages)")
        XCTAssertEqual(found.filter { $0.hasPrefix("stay-") }.sorted(), staying.sorted(), "every match that stayed, once")
        XCTAssertFalse(found.contains { $0.hasPrefix("other-") }, "only subjects with that value")
    }

    func testAnEmptyOrExactlyFullListingHasNoNextPage() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        XCTAssertEqual(try vault.listSubjects(tenant: "acme"), SubjectPage(subjects: [], next: nil))
        XCTAssertEqual(try vault.find(field: "phone", value: "42", tenant: "acme"), SubjectPage(subjects: [], next: nil))
        for subject in ["a", "b", "c"] { try vault.set(subject: subject, pairs: phone("42"), tenant: "acme", createSubject: true) }
        XCTAssertEqual(try vault.listSubjects(tenant: "acme"), SubjectPage(subjects: ["a", "b", "c"], next: nil))
        XCTAssertEqual(try vault.find(field: "phone", value: "42", tenant: "acme"), SubjectPage(subjects: ["a", "b", "c"], next: nil))
    }

    /// The subjects outside the first page have their sealed identifiers destroyed in the file:
    /// the first page still answers, so it opened none of them; the second shows that opening
    /// one would have failed.
    func testAListingDecryptsNothingBeyondThePageItReturns() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        for index in 0..<7 {
            try vault.set(subject: "s\(index)", pairs: phone(index == 5 ? "43" : "42"), tenant: "acme", createSubject: true)
        }
        try rawDatabase("vault.db").execute("""
            UPDATE subjects SET sealed_name = zeroblob(length(sealed_name)) WHERE id > (SELECT min(id) + 2 FROM subjects)
            """)

        let listed = try vault.listSubjects(tenant: "acme")
        XCTAssertEqual(listed.subjects, ["s0", "s1", "s2"])
        assertVaultError(try vault.listSubjects(tenant: "acme", cursor: XCTUnwrap(listed.next))) { $0.isCrypto }

        let found = try vault.find(field: "phone", value: "42", tenant: "acme")
        XCTAssertEqual(found.subjects, ["s0", "s1", "s2"])
        assertVaultError(try vault.find(field: "phone", value: "42", tenant: "acme", cursor: XCTUnwrap(found.next))) { $0.isCrypto }
    }

    func testACursorIsInvalidForAnotherTenantAndForALaterTenantOfTheSameName() throws {
        let vault = try openVault()
        for tenant in ["acme", "globex"] {
            _ = try vault.createTenant(tenant)
            for index in 0..<5 { try vault.set(subject: "s\(index)", pairs: phone("42"), tenant: TenantRef(tenant), createSubject: true) }
        }
        let listCursor = try XCTUnwrap(vault.listSubjects(tenant: "acme").next)
        let findCursor = try XCTUnwrap(vault.find(field: "phone", value: "42", tenant: "acme").next)
        assertVaultError(try vault.listSubjects(tenant: "globex", cursor: listCursor)) { $0.isInvalid }
        assertVaultError(try vault.find(field: "phone", value: "42", tenant: "globex", cursor: findCursor)) { $0.isInvalid }

        try vault.shredTenant("acme")
        vault.waitForPurge()
        _ = try vault.createTenant("acme")
        for index in 0..<5 { try vault.set(subject: "s\(index)", pairs: phone("42"), tenant: "acme", createSubject: true) }
        assertVaultError(try vault.listSubjects(tenant: "acme", cursor: listCursor)) { $0.isInvalid }
        assertVaultError(try vault.find(field: "phone", value: "42", tenant: "acme", cursor: findCursor)) { $0.isInvalid }
    }

    func testACursorIsInvalidForAnotherListing() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        for index in 0..<5 {
            try vault.set(subject: "s\(index)", pairs: phone("42") + [FieldValue(field: "fax", value: "42")], tenant: "acme", createSubject: true)
            try vault.set(subject: "t\(index)", pairs: phone("43"), tenant: "acme", createSubject: true)
        }
        let listCursor = try XCTUnwrap(vault.listSubjects(tenant: "acme").next)
        let findCursor = try XCTUnwrap(vault.find(field: "phone", value: "42", tenant: "acme").next)
        assertVaultError(try vault.find(field: "phone", value: "42", tenant: "acme", cursor: listCursor)) { $0.isInvalid }
        assertVaultError(try vault.listSubjects(tenant: "acme", cursor: findCursor)) { $0.isInvalid }
        assertVaultError(try vault.find(field: "phone", value: "43", tenant: "acme", cursor: findCursor)) { $0.isInvalid }
        assertVaultError(try vault.find(field: "fax", value: "42", tenant: "acme", cursor: findCursor)) { $0.isInvalid }
        XCTAssertEqual(try vault.find(field: "phone", value: "42", tenant: "acme", cursor: findCursor).subjects, ["s3", "s4"])
    }

    func testMalformedOrAlteredCursorsAreInvalid() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        for index in 0..<5 { try vault.addSubject("s\(index)", tenant: "acme") }
        let cursor = try XCTUnwrap(vault.listSubjects(tenant: "acme").next)
        let characters = Array(cursor)
        var bad = ["", "!", "not a cursor", "====", cursor + "A", cursor + "=", String(cursor.dropLast()), String(cursor.dropLast(4)),
                   String(cursor.dropFirst()), cursor.replacingOccurrences(of: "-", with: "+"), String(repeating: "A", count: cursor.count),
                   String(repeating: "A", count: 10_000)]
        // Every character changed, one at a time: the format byte, the tag, the hidden position,
        // and the last character's spare bits (a non-canonical encoding of the same bytes).
        for position in characters.indices {
            var altered = characters
            altered[position] = altered[position] == "B" ? "C" : "B"
            bad.append(String(altered))
            altered[position] = altered[position] == "A" ? "B" : "A"
            bad.append(String(altered))
        }
        for text in bad where text != cursor {
            assertVaultError(try vault.listSubjects(tenant: "acme", cursor: text)) { $0.isInvalid }
        }
        XCTAssertEqual(try vault.listSubjects(tenant: "acme", cursor: cursor).subjects, ["s3", "s4"])
    }

    func testACursorOutlivesARestartAndKeyRotations() throws {
        let cursor: String
        do {
            let vault = try openVault()
            _ = try vault.createTenant("acme")
            for index in 0..<5 { try vault.set(subject: "s\(index)", pairs: phone("42"), tenant: "acme", createSubject: true) }
            cursor = try XCTUnwrap(vault.listSubjects(tenant: "acme").next)
            vault.close()
        }
        let vault = try openVault()
        XCTAssertEqual(try vault.rotateTenantKey("acme"), 2)
        XCTAssertEqual(try vault.rotateMasterKey(), 2)
        XCTAssertEqual(try vault.listSubjects(tenant: "acme", cursor: cursor), SubjectPage(subjects: ["s3", "s4"], next: nil))
    }

    /// The pages read the indexes in order: no scan of the tenant, no sort of what matched.
    func testThePageQueriesWalkAnIndexInOrder() throws {
        let vault = try openVault()
        _ = try vault.createTenant("acme")
        try vault.set(subject: "a", pairs: phone("42"), tenant: "acme", createSubject: true)
        let raw = try rawDatabase("vault.db")
        func plan(_ sql: String, _ arguments: [(any SQLiteBindable)?]) throws -> String {
            try raw.rows("EXPLAIN QUERY PLAN " + sql, arguments: arguments).compactMap { $0.text(3) }.joined(separator: "; ")
        }
        let subjects = try plan(VaultCore.subjectPageSQL, [Int64(1), Int64(0), Int64(4)])
        XCTAssertTrue(subjects.contains("SEARCH subjects USING INDEX subjects_by_tenant (tenant_id=? AND id>?)"), subjects)
        XCTAssertFalse(subjects.contains("TEMP B-TREE"), subjects)
        let find = try plan(VaultCore.findPageSQL, [[UInt8](repeating: 1, count: 32), Int64(0), Int64(1), Int64(4)])
        XCTAssertTrue(find.contains("fields_by_digest (digest=? AND subject_id>?)"), find)
        XCTAssertTrue(find.contains("SEARCH s USING INTEGER PRIMARY KEY (rowid=?)"), find)
        XCTAssertFalse(find.contains("TEMP B-TREE"), find)
    }
}
