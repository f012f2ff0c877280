import CofferCrypto

extension VaultCore {
    /// Sets all pairs or none. With `createSubject`, a new subject is created in the same transaction.
    func set(subject: String, pairs: [FieldValue], tenant name: String, createSubject: Bool) throws {
        try Identifier.checkSubject(subject)
        guard !pairs.isEmpty else { throw VaultError.invalid("SET needs at least one field") }
        var seen = Set<String>()
        for pair in pairs {
            try Identifier.checkField(pair.field)
            guard pair.value.utf8.count <= configuration.maxValueBytes else {
                throw VaultError.invalid("value exceeds \(configuration.maxValueBytes) bytes")
            }
            guard seen.insert(pair.field).inserted else { throw VaultError.invalid("field named twice in one SET") }
        }
        let tenant = try tenant(name).keys
        let existing = try subjectID(subject, of: tenant)
        guard existing != nil || createSubject else { throw VaultError.notFound(.subject) }
        try writeTransaction {
            let id = try existing ?? insertSubject(subject, of: tenant)
            let keys = try subjectKeys(id, of: tenant)
            for pair in pairs {
                let sealed = try sealValue(pair.value, field: pair.field, subject: id, keys: keys, tenant: tenant)
                // An upsert rewrites the row in place; REPLACE would delete it and insert it again.
                try vault.run("""
                    INSERT INTO fields (subject_id, name, value) VALUES (?, ?, ?)
                    ON CONFLICT (subject_id, name) DO UPDATE SET value = excluded.value
                    """, id, pair.field, sealed)
                try indexForFind(subject: id, field: pair.field, value: pair.value, of: tenant)
            }
            if try countDataKeySeals(subject: id, version: keys.currentVersion, Int64(pairs.count)) {
                // The data key reached its nonce budget: replace it now, in this transaction.
                try rekeySubject(id, of: tenant)
            }
        }
    }

    func get(subject: String, field: String, tenant name: String) throws -> String {
        let tenant = try tenant(name).keys
        let id = try requireSubject(subject, of: tenant)
        guard let sealed = try vault.row("SELECT value FROM fields WHERE subject_id = ? AND name = ?", id, field)?.blob(0) else {
            throw VaultError.notFound(.field)
        }
        return try openValue(sealed, field: field, subject: id, keys: try subjectKeys(id, of: tenant), tenant: tenant)
    }

    func delete(subject: String, field: String, tenant name: String) throws {
        let tenant = try tenant(name).keys
        let id = try requireSubject(subject, of: tenant)
        try writeTransaction {
            try vault.run("DELETE FROM fields WHERE subject_id = ? AND name = ?", id, field)
            guard vault.changes > 0 else { throw VaultError.notFound(.field) }
            try unindexForFind(subject: id, field: field)
        }
    }

    /// Every field of the subject, sorted by field name.
    func export(subject: String, tenant name: String) throws -> [FieldValue] {
        let tenant = try tenant(name).keys
        let id = try requireSubject(subject, of: tenant)
        let keys = try subjectKeys(id, of: tenant)
        return try vault.rows("SELECT name, value FROM fields WHERE subject_id = ? ORDER BY name", id).map { row in
            guard let field = row.text(0), let sealed = row.blob(1) else { throw VaultError.corrupt("field row without a value") }
            return FieldValue(field: field, value: try openValue(sealed, field: field, subject: id, keys: keys, tenant: tenant))
        }
    }
}
