import CofferCrypto

/// `SUBJECT LIST` and `FIND`, one page at a time (CONTRACT.md §6, Paging).
///
/// Both walk their subjects in row-id order through an index, read one row more than a page to
/// learn whether another page follows, and open the sealed identifiers of the page alone: a
/// page costs at most `listingPageSize` decryptions, however large the tenant. Row ids are never
/// reused and grow, so a subject that exists from the first page to the last, unchanged in what
/// the listing selects, is returned exactly once; one created meanwhile comes at the end.
extension VaultCore {
    /// The tenant's subjects after the id `?2`, in id order (`subjects_by_tenant`).
    static let subjectPageSQL = """
        SELECT id, sealed_name, lookup FROM subjects WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?
        """

    /// The subjects whose field has the digest `?1`, after the id `?2`, in id order: the digest
    /// index holds the key of the `WITHOUT ROWID` field table, `(subject_id, name)`, after the
    /// digest. `CROSS JOIN` keeps SQLite from walking the tenant's subjects instead.
    static let findPageSQL = """
        SELECT s.id, s.sealed_name, s.lookup FROM fields f CROSS JOIN subjects s ON s.id = f.subject_id
        WHERE f.digest = ? AND f.subject_id > ? AND s.tenant_id = ? ORDER BY f.subject_id LIMIT ?
        """

    func listSubjects(tenant name: TenantRef, cursor: String?) throws -> SubjectPage {
        let tenant = try tenant(name).keys
        let listing = ListingCursor.Listing.subjects
        let after = try cursor.map { try ListingCursor.open($0, listing: listing, tenant: tenant) } ?? 0
        let rows = try vault.rows(Self.subjectPageSQL, tenant.tenantID, after, Int64(configuration.listingPageSize + 1))
        return try page(rows, listing: listing, tenant: tenant)
    }

    /// The subjects of the tenant whose `field` equals `value` byte for byte.
    func find(field: String, value: String, tenant name: TenantRef, cursor: String?) throws -> SubjectPage {
        try Identifier.checkField(field)
        guard value.utf8.count <= configuration.maxValueBytes else {
            throw VaultError.invalid("value exceeds \(configuration.maxValueBytes) bytes")
        }
        let tenant = try tenant(name).keys
        let listing = ListingCursor.Listing.find(digest: try findDigest(field: field, value: value, of: tenant))
        let after = try cursor.map { try ListingCursor.open($0, listing: listing, tenant: tenant) } ?? 0
        let rows = try vault.rows(Self.findPageSQL, listing.selector, after, tenant.tenantID, Int64(configuration.listingPageSize + 1))
        return try page(rows, listing: listing, tenant: tenant)
    }

    /// Opens the identifiers of the first `listingPageSize` rows (id, sealed name, lookup); a
    /// row beyond them only means that a next page exists.
    private func page(_ rows: [Row], listing: ListingCursor.Listing, tenant: TenantKeys) throws -> SubjectPage {
        let size = configuration.listingPageSize
        let shown = rows.prefix(size)
        let subjects = try shown.map { row in
            guard let sealed = row.blob(1), let lookup = row.blob(2) else { throw VaultError.corrupt("subject row without its name") }
            return try openSubjectName(sealed, lookup: lookup, of: tenant)
        }
        guard rows.count > size, let last = shown.last?.int64(0) else { return SubjectPage(subjects: subjects, next: nil) }
        return SubjectPage(subjects: subjects, next: try ListingCursor.make(after: last, listing: listing, tenant: tenant))
    }
}
