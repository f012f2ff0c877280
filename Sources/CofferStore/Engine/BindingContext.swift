/// The associated data that binds each ciphertext and wrapped key to its place.
///
/// Every context starts with a purpose label, then fixed-width identifiers and length-prefixed
/// names, so no two different places can produce the same bytes. A ciphertext copied to another
/// field, subject or tenant, or a wrapped key presented as another kind of key, fails to open.
enum BindingContext {
    /// A tenant key-encryption key, wrapped under the master key.
    static func tenantKey(tenant: Int64, version: UInt32) -> [UInt8] {
        label("coffer/tenant-kek") + int(tenant) + int(Int64(version))
    }

    /// A tenant's index key (keyed hashes of subject identifiers), wrapped under the master key.
    static func indexKey(tenant: Int64) -> [UInt8] {
        label("coffer/tenant-index") + int(tenant)
    }

    /// The service's token key, wrapped under the master key.
    static let tokenKey: [UInt8] = label("coffer/token-key")

    /// The context of a service key by its name in the keyring's `service_keys` table.
    static func serviceKey(_ name: String) throws -> [UInt8] {
        switch name {
        case "token": return tokenKey
        case "audit": return auditKey
        case "authority": return authorityKey
        default:
            guard let hour = VaultCore.sourceKeyHour(name) else { throw VaultError.corrupt("unknown service key in the keyring") }
            return sourceKey(hour: hour)
        }
    }

    /// The service's authority key, wrapped under the master key: it MACs the stored rows that
    /// carry authority (credentials, tenant rows with their policy, subject token digests), so
    /// that someone who can write the database files but holds no master key cannot move a token
    /// digest or a policy to another principal.
    static let authorityKey: [UInt8] = label("coffer/authority-key")

    /// The message whose MAC (under the authority key) binds a credential row to its principal.
    static func credential(digest: [UInt8], role: String, pending: Bool, tenant: Int64?, expiresAt: Int64?) -> [UInt8] {
        label("coffer/credential") + string(digest) + string(Array(role.utf8)) + [pending ? 1 : 0]
            + int(tenant ?? -1) + int(expiresAt ?? -1)
    }

    /// The message whose MAC (under the authority key) binds a tenant row's name, policy and
    /// claim state to its id.
    static func tenantRow(id: Int64, name: String, subjectSelfEdit: Bool, claimed: Bool) -> [UInt8] {
        label("coffer/tenant-row") + int(id) + string(Array(name.utf8)) + [subjectSelfEdit ? 1 : 0, claimed ? 1 : 0]
    }

    /// The message whose MAC (under the authority key) binds a subject token's digest to its subject.
    static func subjectToken(tenant: Int64, subject: Int64, digest: [UInt8]) -> [UInt8] {
        label("coffer/subject-token") + int(tenant) + int(subject) + string(digest)
    }

    /// The service key that seals the source addresses of the failed `AUTH`s of one hour
    /// (`source/<hour>` in `service_keys`), wrapped under the master key.
    static func sourceKey(hour: Int64) -> [UInt8] {
        label("coffer/source-key") + int(hour)
    }

    /// The source address of a failed-`AUTH` record, sealed under its hour's source key.
    static func failedAuthSource(seq: Int64, hour: Int64) -> [UInt8] {
        label("coffer/failed-auth-source") + int(seq) + int(hour)
    }

    /// The service's audit key (the MAC key of the audit chain), wrapped under the master key.
    static let auditKey: [UInt8] = label("coffer/audit-key")

    /// A version of a tenant's audit key (seals its audit details), wrapped under the master key.
    /// Version 1 keeps the context audit keys had before they were versioned (keyring schema 5),
    /// so the keys wrapped then unwrap as they are; every later version appends its number. The
    /// two forms differ in length, so no version's context equals another's.
    static func tenantAuditKey(tenant: Int64, version: UInt32) -> [UInt8] {
        let unversioned = label("coffer/tenant-audit-key") + int(tenant)
        return version == 1 ? unversioned : unversioned + int(Int64(version))
    }

    /// The detail of one audit record, sealed under its tenant's audit key.
    static func auditDetail(tenant: Int64, seq: Int64) -> [UInt8] {
        label("coffer/audit-detail") + int(tenant) + int(seq)
    }

    /// The message whose keyed hash (under the audit key) names an actor in the audit trail:
    /// its role, its tenant, and for a subject its lookup hash (under the tenant's index key),
    /// so that no identifier or token is hashed under a key that outlives the tenant.
    static func auditActor(role: String, tenant: Int64?, subjectLookup: [UInt8]?) -> [UInt8] {
        label("coffer/audit-actor") + string(Array(role.utf8)) + int(tenant ?? -1) + string(subjectLookup ?? [])
    }

    /// A subject's data key, wrapped under its tenant's key-encryption key. The lookup digest is
    /// bound in: a row whose lookup was swapped with another row's no longer opens its keys.
    static func dataKey(tenant: Int64, subject: SubjectRef, version: UInt32) -> [UInt8] {
        label("coffer/subject-dek-2") + int(tenant) + int(subject.id) + string(subject.lookup) + int(Int64(version))
    }

    /// Protocol 1's data-key context, without the lookup: only to rebind old databases.
    static func dataKeyProtocol1(tenant: Int64, subject: Int64, version: UInt32) -> [UInt8] {
        label("coffer/subject-dek") + int(tenant) + int(subject) + int(Int64(version))
    }

    /// A subject identifier, sealed under its tenant's key-encryption key.
    static func subjectName(tenant: Int64, lookup: [UInt8]) -> [UInt8] {
        label("coffer/subject-name") + int(tenant) + string(lookup)
    }

    /// A field value, sealed under its subject's data key, bound to the subject's lookup digest.
    static func field(tenant: Int64, subject: SubjectRef, field: String) -> [UInt8] {
        label("coffer/field-2") + int(tenant) + int(subject.id) + string(subject.lookup) + string(Array(field.utf8))
    }

    /// Protocol 1's field context, without the lookup: only to rebind old databases.
    static func fieldProtocol1(tenant: Int64, subject: Int64, field: String) -> [UInt8] {
        label("coffer/field") + int(tenant) + int(subject) + string(Array(field.utf8))
    }

    /// The message whose keyed hash finds a subject by its identifier.
    static func subjectLookup(_ subject: String) -> [UInt8] {
        label("coffer/subject-lookup") + Array(subject.utf8)
    }

    /// The message whose keyed hash is a field value's blind-index entry (`FIND`): under the
    /// same index key as `subjectLookup`, told apart from it by the label.
    static func findValue(field: String, value: String) -> [UInt8] {
        label("coffer/find") + string(Array(field.utf8)) + Array(value.utf8)
    }

    /// The message whose keyed hash (under the tenant's index key) is a listing cursor's tag: the
    /// cursor's format, the listing (`kind` and its `selector`: for `FIND` the field's blind-index
    /// digest), the tenant, and the id of the last subject returned.
    static func listingCursor(format: UInt8, kind: UInt8, tenant: Int64, selector: [UInt8], after subject: Int64) -> [UInt8] {
        label("coffer/listing-cursor") + [format, kind] + int(tenant) + string(selector) + int(subject)
    }

    /// The message whose keyed hash (under the same key) hides a cursor's subject id: its tag.
    static func listingCursorPad(tag: [UInt8]) -> [UInt8] {
        label("coffer/listing-cursor-pad") + tag
    }

    private static func label(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }

    /// The eight big-endian bytes of `value` (also the listing cursor's hidden row id).
    static func int(_ value: Int64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: value) >> (56 - 8 * UInt64($0))) }
    }

    private static func string(_ bytes: [UInt8]) -> [UInt8] { int(Int64(bytes.count)) + bytes }
}
