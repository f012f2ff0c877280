import CofferCrypto

/// Opens reader cores that share the writer's keys and caches.
///
/// It copies what readers share from the writer core once, before the writer thread starts
/// (configuration, `KeyState`, token and authority keys, the audit state's immutable parts), and never touches
/// the writer core again: the writer thread owns it.
///
/// `@unchecked Sendable`: its stored properties are immutable after `init`; `KeyState` and the
/// HMAC keys are thread-safe; the copied `AuditState` is only read, to seed each new reader.
final class ReaderSource: @unchecked Sendable {
    private let configuration: VaultConfiguration
    private let keyState: KeyState
    private let tokenKey: HMACSHA256
    private let authorityKey: HMACSHA256
    private let audit: AuditState

    /// Call before the writer core is handed to its thread.
    init(writer: VaultCore) {
        configuration = writer.configuration
        keyState = writer.keyState
        tokenKey = writer.tokenKey
        authorityKey = writer.authorityKey
        audit = writer.audit
    }

    func makeReader() throws -> VaultCore {
        try VaultCore(readerWith: configuration, keyState: keyState, tokenKey: tokenKey, authorityKey: authorityKey, audit: audit)
    }
}
