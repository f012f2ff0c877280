import CofferCrypto
import Dispatch

/// Reader cores, each with its own database connections, so reads run beside the writer (WAL
/// lets readers proceed during a commit) and beside each other.
///
/// Each read runs in a read transaction on the vault, so everything it sees of the vault comes
/// from one committed state. (Keyring reads are rare — tenant keys are cached — and are not
/// held to the same snapshot.) A read that fails to authenticate a key is retried once: a
/// master or tenant rotation may have retired a key version between loading a wrapped key and
/// unwrapping it; a second failure is reported.
final class ReaderPool: Sendable {
    /// A reader core checked out by one thread at a time.
    ///
    /// `@unchecked Sendable`: the pool hands each box to one thread at a time (through
    /// `IdleReaders`), and only that thread touches the core until it gives the box back.
    final class Reader: @unchecked Sendable {
        let core: VaultCore
        init(core: VaultCore) { self.core = core }
    }

    /// Readers not checked out, under `lock` (a `PlainLock`: taken twice per read).
    private let idle = IdleReaders()
    /// The idle readers.
    ///
    /// `@unchecked Sendable`: `readers` is only touched under `lock`.
    final class IdleReaders: @unchecked Sendable {
        private let lock = PlainLock()
        private var readers: [Reader] = []

        func take() -> Reader? { lock.withLock { readers.popLast() } }
        func give(_ reader: Reader) { lock.withLock { readers.append(reader) } }
    }

    private let permits: DispatchSemaphore
    private let makeReader: @Sendable () throws -> VaultCore

    init(maximumReaders: Int, makeReader: @escaping @Sendable () throws -> VaultCore) {
        permits = DispatchSemaphore(value: max(1, maximumReaders))
        self.makeReader = makeReader
    }

    func perform<T: Sendable>(_ body: (VaultCore) throws -> T) throws -> T {
        permits.wait()
        defer { permits.signal() }
        let reader = try idle.take() ?? Reader(core: makeReader())
        defer { idle.give(reader) }
        do {
            return try snapshot(reader.core, body)
        } catch let error as VaultError {
            guard case .crypto = error else { throw error }
            return try snapshot(reader.core, body)
        } catch is CryptoError {
            return try snapshot(reader.core, body)
        }
    }

    private func snapshot<T>(_ core: VaultCore, _ body: (VaultCore) throws -> T) throws -> T {
        core.snapshotGeneration = core.keyState.generation
        defer { core.snapshotGeneration = nil }
        try core.vault.cachedStatement("BEGIN").runToCompletion()
        defer { try? core.vault.cachedStatement("COMMIT").runToCompletion() }
        return try body(core)
    }
}
