import CofferCrypto

/// Erasure requests (GDPR art. 17): a subject asks, its tenant sees the pending requests and
/// grants one by shredding the subject, which deletes the request with everything else.
///
/// Requests are kept by subject row id, so no identifier is stored again; `REQUEST LIST`
/// decrypts the sealed identifiers of the subjects that asked.
extension VaultCore {
    func requestErasure(subject: String, tenant name: TenantRef) throws {
        let tenant = try tenant(name).keys
        let id = try requireSubject(subject, of: tenant).id
        // OR IGNORE: asking twice keeps the first request, with its time.
        try vault.run("INSERT OR IGNORE INTO erasure_requests (subject_id, tenant_id, requested_at) VALUES (?, ?, ?)",
                      id, tenant.tenantID, Self.now())
    }

    /// The tenant's pending requests, oldest first (arrival order within one second).
    func erasureRequests(tenant name: TenantRef) throws -> [ErasureRequest] {
        let tenant = try tenant(name).keys
        return try vault.rows("""
            SELECT s.sealed_name, s.lookup, r.requested_at FROM erasure_requests r JOIN subjects s ON s.id = r.subject_id
            WHERE r.tenant_id = ? ORDER BY r.requested_at, r.id
            """, tenant.tenantID).map { row in
            guard let sealed = row.blob(0), let lookup = row.blob(1), let time = row.int64(2) else {
                throw VaultError.corrupt("erasure request without its subject")
            }
            return ErasureRequest(subject: try openSubjectName(sealed, lookup: lookup, of: tenant), requestedAt: time)
        }
    }
}
