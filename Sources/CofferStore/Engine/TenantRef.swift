/// A tenant as a caller names it: by name, and, for a session, by the id it authenticated with.
///
/// The operator names tenants (`TENANT SHRED t`): `id` is nil and the tenant that has the name
/// now is meant. A session's principal carries the id too, and the engine refuses (`NOT_FOUND`)
/// when the tenant of that name has another id: a later tenant of the same name.
public struct TenantRef: Sendable, Hashable, ExpressibleByStringLiteral {
    public let name: String
    public let id: Int64?

    public init(_ name: String, id: Int64? = nil) {
        self.name = name
        self.id = id
    }

    public init(stringLiteral name: String) {
        self.init(name)
    }

    /// Compares names byte for byte (`String ==` would equate canonically equivalent ones).
    public static func == (a: TenantRef, b: TenantRef) -> Bool {
        a.id == b.id && a.name.utf8.elementsEqual(b.name.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(Array(name.utf8))
    }
}
