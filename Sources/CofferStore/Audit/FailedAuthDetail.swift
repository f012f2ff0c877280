/// The `detail` of a failed-`AUTH` record in the service's trail: the counts in clear (they
/// identify nobody), and the source address sealed under the source key of the record's hour
/// (`VaultCore+FailedAuth.swift`). Destroying that key erases the address, while the record's
/// MAC, which covers these bytes, still verifies.
struct FailedAuthDetail: Equatable {
    var failures: Int64
    var refused: Int64
    /// The hour (seconds since 1970 / 3600) whose source key sealed `sealedSource`.
    var keyHour: Int64?
    var sealedSource: [UInt8]?

    private static let label = Array("coffer/failed-auth".utf8) + [0]

    func encoded() -> [UInt8] {
        var out = CanonicalBytes()
        out.appendRaw(Self.label)
        out.append(failures)
        out.append(refused)
        out.append(keyHour)
        out.append(sealedSource)
        return out.bytes
    }

    /// Decodes what `encoded()` wrote; nil for anything else (such as a tenant record's detail).
    static func decode(_ bytes: [UInt8]) -> FailedAuthDetail? {
        guard bytes.starts(with: label) else { return nil }
        var reader = CanonicalReader(Array(bytes.dropFirst(label.count)))
        guard let failures = reader.int64(), let refused = reader.int64(), let keyHour = reader.optionalInt64(),
              let sealed = reader.optionalBlob(), reader.isAtEnd, (keyHour == nil) == (sealed == nil) else { return nil }
        return FailedAuthDetail(failures: failures, refused: refused, keyHour: keyHour, sealedSource: sealed)
    }
}
