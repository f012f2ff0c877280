/// The part of an audit record that may identify a person: the subject identifier and the field
/// names involved, and the acting subject. Stored only sealed under the tenant's audit key, so a
/// tenant shred makes it unreadable while the chain, which MACs the sealed bytes, stays verifiable.
struct AuditDetail: Equatable {
    var subject: String?
    var fields: [String]
    var actorSubject: String?

    static let format: Int64 = 1

    var isEmpty: Bool { subject == nil && fields.isEmpty && actorSubject == nil }

    func encoded() -> [UInt8] {
        var out = CanonicalBytes()
        out.append(Self.format)
        out.append(subject)
        out.append(actorSubject)
        out.append(Int64(fields.count))
        for field in fields { out.append(field) }
        return out.bytes
    }

    /// Decodes what `encoded()` wrote; nil for anything else.
    static func decode(_ bytes: [UInt8]) -> AuditDetail? {
        var reader = CanonicalReader(bytes)
        guard reader.int64() == format, let subject = reader.optionalString(), let actorSubject = reader.optionalString(),
              let count = reader.int64(), (0...65536).contains(count) else { return nil }
        var fields: [String] = []
        for _ in 0..<count {
            guard let field = reader.string() else { return nil }
            fields.append(field)
        }
        guard reader.isAtEnd else { return nil }
        return AuditDetail(subject: subject, fields: fields, actorSubject: actorSubject)
    }
}
