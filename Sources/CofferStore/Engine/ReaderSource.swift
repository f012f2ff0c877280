/// Opens reader cores that share the writer's keys and caches.
///
/// `@unchecked Sendable`: it only reads the writer core's immutable parts (configuration,
/// shared `KeyState`, token key) when opening a reader, which is safe from any thread.
final class ReaderSource: @unchecked Sendable {
    private let writer: VaultCore

    init(writer: VaultCore) { self.writer = writer }

    func makeReader() throws -> VaultCore { try VaultCore(readerOf: writer) }
}
