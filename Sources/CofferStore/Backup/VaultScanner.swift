import CofferCrypto

/// One pass over every subject of a vault with its data keys and fields, checking each envelope
/// header against the keyring, and decrypting the sampled subjects end to end.
///
/// The three tables are read through three cursors ordered by subject id and merged, so memory
/// stays constant whatever the size of the vault. Rows without a subject are left to
/// `PRAGMA foreign_key_check`.
struct VaultScanner {
    let vault: Database
    let keyring: KeyringContents
    /// Unwrapped keys for the sample; empty for a header-only scan.
    var tenantKeys: [Int64: TenantKeys] = [:]
    /// Subject row ids to decrypt end to end.
    var sample: Set<Int64> = []
    /// Whether to read the fields table (a backup's cross-check needs only keys and identifiers).
    var includeFields = true

    init(vault: Database, keyring: KeyringContents) {
        self.vault = vault
        self.keyring = keyring
    }

    func scan(into report: inout VerificationReport) throws(SQLiteError) {
        let protocol1Tenants = try Self.tenantsWithProtocol1Contexts(vault)
        let subjects = try vault.prepare("SELECT id, tenant_id, lookup, sealed_name FROM subjects ORDER BY id")
        let dataKeys = try Cursor(vault, "SELECT subject_id, version, wrapped FROM data_keys ORDER BY subject_id, version")
        let fields = includeFields ? try Cursor(vault, "SELECT subject_id, name, value FROM fields ORDER BY subject_id, name") : nil
        var shredded: [Int64: Int] = [:]
        var unknown: [Int64: Int] = [:]
        while try subjects.step() {
            let row = subjects.row()
            guard let id = row.int64(0), let tenantID = row.int64(1) else {
                report.problem("vault: a subject row without an id or tenant")
                continue
            }
            let keyRows = try dataKeys.take(subject: id)
            let fieldRows = try fields?.take(subject: id) ?? []
            switch keyring.classify(tenant: tenantID) {
            case .shredded: shredded[tenantID, default: 0] += 1; continue
            case .unknown: unknown[tenantID, default: 0] += 1; continue
            case .live: break
            }
            check(subject: id, tenantID: tenantID, lookup: row.blob(2) ?? [], sealedName: row.blob(3) ?? [],
                  keyRows: keyRows, fieldRows: fieldRows, protocol1: protocol1Tenants.contains(tenantID), report: &report)
        }
        report.shreddedTenants += shredded.count
        report.shreddedTenantSubjects += shredded.values.reduce(0, +)
        report.unknownTenants += unknown.count
        if !unknown.isEmpty {
            report.problem("vault: \(unknown.values.reduce(0, +)) subject(s) of \(unknown.count) tenant(s) the keyring never had "
                           + "(tenant ids \(unknown.keys.sorted().map(String.init).joined(separator: ", "))): the keyring is older than the vault")
        }
    }

    /// Tenants whose data keys and values still carry protocol 1's binding contexts: all of
    /// them in a vault from before schema 7 (a backup), else those the start-up rebinding has
    /// not reached yet.
    static func tenantsWithProtocol1Contexts(_ vault: Database) throws(SQLiteError) -> Set<Int64> {
        if try Migrator.userVersion(of: vault) < 7 {
            return Set(try vault.rows("SELECT DISTINCT tenant_id FROM subjects").compactMap { $0.int64(0) })
        }
        return Set(try vault.rows("SELECT tenant_id FROM binding_upgrade").compactMap { $0.int64(0) })
    }

    private func check(subject id: Int64, tenantID: Int64, lookup: [UInt8], sealedName: [UInt8], keyRows: [Row], fieldRows: [Row],
                       protocol1: Bool, report: inout VerificationReport) {
        let tenant = keyring.tenants[tenantID]!
        let tenantVersions = tenant.wrappedKeys
        let label = "subject #\(id) of tenant \(tenant.name)"
        report.subjects += 1
        var healthy = true
        func problem(_ text: String) {
            healthy = false
            report.problem("\(label): \(text)")
        }

        if let version = try? Envelope.keyVersion(of: sealedName) {
            if tenantVersions[version] == nil { problem("identifier sealed under tenant key version \(version), which the keyring does not hold") }
        } else {
            problem("the identifier's envelope header is unreadable")
        }

        var dataKeys: [(version: UInt32, wrapped: [UInt8])] = []
        for row in keyRows {
            report.dataKeys += 1
            guard let version = row.int64(1).flatMap(UInt32.init(exactly:)), let wrapped = row.blob(2) else {
                problem("a data key row is malformed")
                continue
            }
            guard let kekVersion = try? Envelope.keyVersion(of: wrapped), wrapped.count == KeyWrap.wrappedByteCount else {
                problem("the envelope header of data key version \(version) is unreadable")
                continue
            }
            if tenantVersions[kekVersion] == nil {
                problem("data key version \(version) is wrapped under tenant key version \(kekVersion), which the keyring does not hold")
            }
            dataKeys.append((version, wrapped))
        }
        if keyRows.isEmpty { problem("no data key") }

        let dataKeyVersions = Set(dataKeys.map(\.version))
        var fields: [(name: String, sealed: [UInt8])] = []
        for row in fieldRows {
            report.fields += 1
            guard let name = row.text(1), let sealed = row.blob(2) else {
                problem("a field row is malformed")
                continue
            }
            guard let version = try? Envelope.keyVersion(of: sealed) else {
                problem("the envelope header of a field value is unreadable")
                continue
            }
            if !dataKeyVersions.contains(version) { problem("a field value names data key version \(version), which the subject lacks") }
            fields.append((name, sealed))
        }

        guard healthy, sample.contains(id), let keys = tenantKeys[tenantID] else { return }
        do {
            report.decryptedFields += try SubjectDecryption.check(subject: id, lookup: lookup, sealedName: sealedName,
                                                                  dataKeys: dataKeys, fields: fields, tenant: keys, protocol1: protocol1)
            report.sampledSubjects += 1
        } catch {
            problem("decryption failed: \(error.description)")
        }
    }
}

extension VaultScanner {
    /// A statement's rows, one ahead, for merging by subject id (the first column).
    private final class Cursor {
        private let statement: Statement
        private var current: Row?

        init(_ database: Database, _ sql: String) throws(SQLiteError) {
            statement = try database.prepare(sql)
            try advance()
        }

        private func advance() throws(SQLiteError) {
            current = try statement.step() ? statement.row() : nil
        }

        /// The rows of subject `id`; rows of lower ids (whose subject does not exist) are skipped.
        func take(subject id: Int64) throws(SQLiteError) -> [Row] {
            var rows: [Row] = []
            while let row = current {
                let owner = row.int64(0) ?? Int64.min
                guard owner <= id else { break }
                if owner == id { rows.append(row) }
                try advance()
            }
            return rows
        }
    }
}
