import CofferCrypto

extension VaultCore {
    /// Sets all pairs or none. With `createSubject`, a new subject is created in the same transaction.
    /// `prepared` (from `prepareSet`) saves the sealing when it still applies.
    func set(subject: String, pairs: [FieldValue], tenant name: TenantRef, createSubject: Bool, prepared: PreparedSet? = nil) throws {
        try checkSet(subject: subject, pairs: pairs)
        let tenant = try tenant(name).keys
        let usable = prepared?.isFor(subject: subject, pairs: pairs, tenantID: tenant.tenantID) == true ? prepared : nil
        let existing: SubjectRef?
        if let usable, try subjectLookup(id: usable.subjectRow.id) == usable.subjectRow.lookup {
            existing = usable.subjectRow
        } else {
            existing = try subjectRef(subject, of: tenant)
        }
        guard existing != nil || createSubject else { throw VaultError.notFound(.subject) }
        if let existing { try checkFieldCount(subject: existing.id, pairs: pairs) }
        try writeTransaction {
            let ref = try existing ?? insertSubject(subject, of: tenant)
            let keys = try subjectKeys(ref, of: tenant)
            let sealedBefore = usable?.subjectRow == ref && usable?.keyVersion == keys.currentVersion ? usable : nil
            for (index, pair) in pairs.enumerated() {
                let sealed = try sealedBefore?.sealedValues[index]
                    ?? sealValue(pair.value, field: pair.field, subject: ref, keys: keys, tenant: tenant)
                let digest = try sealedBefore?.digests[index] ?? findDigest(field: pair.field, value: pair.value, of: tenant)
                // An upsert rewrites the row in place; REPLACE would delete it and insert it again.
                try vault.run("""
                    INSERT INTO fields (subject_id, name, value, digest) VALUES (?, ?, ?, ?)
                    ON CONFLICT (subject_id, name) DO UPDATE SET value = excluded.value, digest = excluded.digest
                    """, ref.id, pair.field, sealed, digest)
            }
            if try countDataKeySeals(subject: ref.id, version: keys.currentVersion, Int64(pairs.count)) {
                // The data key reached its nonce budget: replace it now, in this transaction.
                try rekeySubject(ref, of: tenant)
            }
        }
    }

    /// Seals and digests a SET's values ahead of the writer (see `PreparedSet`). Nil when the
    /// subject does not exist yet: creating it is the writer's work.
    func prepareSet(subject: String, pairs: [FieldValue], tenant name: TenantRef) throws -> PreparedSet? {
        try checkSet(subject: subject, pairs: pairs)
        let tenant = try tenant(name).keys
        let lookup = try tenant.lookup(subject: subject)
        guard let ref = try subjectRef(lookup: lookup, of: tenant) else { return nil }
        let keys = try subjectKeys(ref, of: tenant)
        return PreparedSet(
            subject: subject, pairs: pairs, tenantID: tenant.tenantID, subjectRow: ref,
            keyVersion: keys.currentVersion,
            sealedValues: try pairs.map { try sealValue($0.value, field: $0.field, subject: ref, keys: keys, tenant: tenant) },
            digests: try pairs.map { try findDigest(field: $0.field, value: $0.value, of: tenant) })
    }

    /// Refuses a SET that would give the subject more than `maxFieldsPerSubject` fields. Counts
    /// the fields it holds (a short index range), and only near the limit which of the SET's
    /// fields are new. Runs on the writer, which alone adds fields.
    private func checkFieldCount(subject id: Int64, pairs: [FieldValue]) throws {
        let limit = configuration.maxFieldsPerSubject
        let held = Int(try vault.row("SELECT count(*) FROM fields WHERE subject_id = ?", id)?.int64(0) ?? 0)
        guard held + pairs.count > limit else { return }
        var added = 0
        for pair in pairs where try vault.row("SELECT 1 FROM fields WHERE subject_id = ? AND name = ?", id, pair.field) == nil {
            added += 1
        }
        guard held + added <= limit else { throw Self.tooManyFields(limit) }
    }

    private static func tooManyFields(_ limit: Int) -> VaultError {
        .invalid("a subject holds at most \(limit) fields")
    }

    /// The checks a SET passes before anything is looked up.
    private func checkSet(subject: String, pairs: [FieldValue]) throws {
        try Identifier.checkSubject(subject)
        guard !pairs.isEmpty else { throw VaultError.invalid("SET needs at least one field") }
        guard pairs.count <= configuration.maxFieldsPerSubject else { throw Self.tooManyFields(configuration.maxFieldsPerSubject) }
        var seen = Set<String>()
        for pair in pairs {
            try Identifier.checkField(pair.field)
            guard pair.value.utf8.count <= configuration.maxValueBytes else {
                throw VaultError.invalid("value exceeds \(configuration.maxValueBytes) bytes")
            }
            guard seen.insert(pair.field).inserted else { throw VaultError.invalid("field named twice in one SET") }
        }
    }

    func get(subject: String, field: String, tenant name: TenantRef) throws -> String {
        let tenant = try tenant(name).keys
        // One statement finds the subject and its field: GET is the most frequent command.
        let lookup = try tenant.lookup(subject: subject)
        guard let row = try vault.row("""
            SELECT s.id, f.value FROM subjects s LEFT JOIN fields f ON f.subject_id = s.id AND f.name = ?
            WHERE s.tenant_id = ? AND s.lookup = ?
            """, field, tenant.tenantID, lookup), let id = row.int64(0) else {
            throw VaultError.notFound(.subject)
        }
        guard let sealed = row.blob(1) else { throw VaultError.notFound(.field) }
        let ref = SubjectRef(id: id, lookup: lookup)
        return try openValue(sealed, field: field, subject: ref, keys: try subjectKeys(ref, of: tenant), tenant: tenant)
    }

    func delete(subject: String, field: String, tenant name: TenantRef) throws {
        let tenant = try tenant(name).keys
        let id = try requireSubject(subject, of: tenant).id
        try writeTransaction {
            // The row carries the field's FIND digest: deleting it unindexes the field too.
            try vault.run("DELETE FROM fields WHERE subject_id = ? AND name = ?", id, field)
            guard vault.changes > 0 else { throw VaultError.notFound(.field) }
        }
    }

    /// Every field of the subject, sorted by field name.
    func export(subject: String, tenant name: TenantRef) throws -> [FieldValue] {
        let tenant = try tenant(name).keys
        let ref = try requireSubject(subject, of: tenant)
        let keys = try subjectKeys(ref, of: tenant)
        return try vault.rows("SELECT name, value FROM fields WHERE subject_id = ? ORDER BY name", ref.id).map { row in
            guard let field = row.text(0), let sealed = row.blob(1) else { throw VaultError.corrupt("field row without a value") }
            return FieldValue(field: field, value: try openValue(sealed, field: field, subject: ref, keys: keys, tenant: tenant))
        }
    }
}
