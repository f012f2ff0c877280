import CSQLite
import Foundation
import Synchronization

/// An SQLite VFS that forwards everything to the platform's default VFS ("unix") but can make
/// writes or syncs of files under one directory fail with an I/O error, as a failing disk
/// would (EIO). Registered as the default VFS, so the engine's connections use it without any
/// change to the engine; with no fault set it behaves exactly like the VFS it wraps.
///
/// Each open file is `FaultFile`: SQLite's `sqlite3_file` header, whether the file is a target,
/// then the wrapped VFS's own file structure, to which every call is forwarded.
enum FaultInjectingVFS {
    /// What to break.
    enum Fault: Int {
        case none = 0
        /// `xWrite` answers SQLITE_IOERR_WRITE.
        case write = 1
        /// `xSync` answers SQLITE_IOERR_FSYNC.
        case sync = 2
    }

    /// The fault in force; read on every write and sync, from any connection's thread.
    private static let fault = Atomic<Int>(Fault.none.rawValue)
    /// How many calls were failed, so a test can tell that the fault was actually hit.
    static let injected = Atomic<Int>(0)

    /// Sets the fault for files opened under `targetDirectory` (see `install`).
    static func set(_ newFault: Fault) {
        fault.store(newFault.rawValue, ordering: .sequentiallyConsistent)
    }

    /// Installs the VFS as the default, once per process; files whose path starts with
    /// `directoryPrefix` are the ones faults apply to.
    static func install(directoryPrefix: String) {
        State.shared.withLock { state in
            state.prefix = directoryPrefix
            guard state.vfs == nil else {
                sqlite3_vfs_register(state.vfs, 1)
                return
            }
            guard let real = sqlite3_vfs_find(nil) else { return }
            let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
            vfs.initialize(to: real.pointee)
            vfs.pointee.zName = UnsafePointer(strdup("coffer-fault-injecting"))
            vfs.pointee.szOsFile = real.pointee.szOsFile + Int32(headerSize)
            vfs.pointee.xOpen = faultOpen
            state.real = real
            state.vfs = vfs
            sqlite3_vfs_register(vfs, 1)
        }
    }

    /// Makes the wrapped VFS the default again (files already open keep working).
    static func uninstall() {
        set(.none)
        State.shared.withLock { state in
            if let real = state.real { sqlite3_vfs_register(real, 1) }
        }
    }

    // MARK: Plumbing

    /// The VFS pointers and the target prefix, shared by SQLite's C callbacks.
    private struct State: @unchecked Sendable {
        // @unchecked Sendable: the pointers are written once under the mutex in `install` and
        // never freed; the structures they point to are read-only afterwards (SQLite's rule
        // for a registered VFS).
        var real: UnsafeMutablePointer<sqlite3_vfs>?
        var vfs: UnsafeMutablePointer<sqlite3_vfs>?
        var prefix = ""
        static let shared = Mutex(State())
    }

    /// `sqlite3_file` (one pointer) plus the target flag, padded to keep the wrapped file aligned.
    private static let headerSize = 16

    private static func wrapped(_ file: UnsafeMutablePointer<sqlite3_file>?) -> UnsafeMutablePointer<sqlite3_file> {
        UnsafeMutableRawPointer(file!).advanced(by: headerSize).assumingMemoryBound(to: sqlite3_file.self)
    }

    private static func isTarget(_ file: UnsafeMutablePointer<sqlite3_file>?) -> Bool {
        UnsafeMutableRawPointer(file!).load(fromByteOffset: MemoryLayout<UnsafeRawPointer>.size, as: Int.self) == 1
    }

    private static func forward(_ file: UnsafeMutablePointer<sqlite3_file>?) -> sqlite3_io_methods {
        wrapped(file).pointee.pMethods.pointee
    }

    private static func shouldFail(_ file: UnsafeMutablePointer<sqlite3_file>?, _ kind: Fault) -> Bool {
        guard isTarget(file), fault.load(ordering: .sequentiallyConsistent) == kind.rawValue else { return false }
        injected.add(1, ordering: .relaxed)
        return true
    }

    private static let faultOpen: @convention(c) (UnsafeMutablePointer<sqlite3_vfs>?, UnsafePointer<CChar>?,
                                                  UnsafeMutablePointer<sqlite3_file>?, Int32, UnsafeMutablePointer<Int32>?) -> Int32 = {
        _, name, file, flags, outFlags in
        let (real, prefix) = FaultInjectingVFS.State.shared.withLock { ($0.real, $0.prefix) }
        guard let real, let file else { return SQLITE_ERROR }
        let inner = FaultInjectingVFS.wrapped(file)
        inner.pointee.pMethods = nil
        file.pointee.pMethods = nil
        let target = name.map { String(cString: $0).hasPrefix(prefix) } ?? false
        UnsafeMutableRawPointer(file).storeBytes(of: target ? 1 : 0, toByteOffset: MemoryLayout<UnsafeRawPointer>.size, as: Int.self)
        let result = real.pointee.xOpen!(real, name, inner, flags, outFlags)
        if inner.pointee.pMethods != nil {
            file.pointee.pMethods = UnsafePointer(FaultInjectingVFS.MethodTable.shared.pointer)
        }
        return result
    }

    /// SQLite's extended codes for a failed write and a failed fsync (C macros Swift cannot import).
    private static let ioErrorWrite = SQLITE_IOERR | (3 << 8)
    private static let ioErrorFsync = SQLITE_IOERR | (4 << 8)

    /// The forwarding methods, with faults in `xWrite` and `xSync`.
    private struct MethodTable: @unchecked Sendable {
        // @unchecked Sendable: the table is built once and only read afterwards, by SQLite.
        let pointer: UnsafeMutablePointer<sqlite3_io_methods>
        static let shared = MethodTable(pointer: makeTable())
    }

    private static func makeTable() -> UnsafeMutablePointer<sqlite3_io_methods> {
        let table = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        table.initialize(to: sqlite3_io_methods(
            iVersion: 3,
            xClose: { file in FaultInjectingVFS.forward(file).xClose!(FaultInjectingVFS.wrapped(file)) },
            xRead: { file, buffer, amount, offset in FaultInjectingVFS.forward(file).xRead!(FaultInjectingVFS.wrapped(file), buffer, amount, offset) },
            xWrite: { file, buffer, amount, offset in
                FaultInjectingVFS.shouldFail(file, .write) ? FaultInjectingVFS.ioErrorWrite : FaultInjectingVFS.forward(file).xWrite!(FaultInjectingVFS.wrapped(file), buffer, amount, offset)
            },
            xTruncate: { file, size in FaultInjectingVFS.forward(file).xTruncate!(FaultInjectingVFS.wrapped(file), size) },
            xSync: { file, flags in FaultInjectingVFS.shouldFail(file, .sync) ? FaultInjectingVFS.ioErrorFsync : FaultInjectingVFS.forward(file).xSync!(FaultInjectingVFS.wrapped(file), flags) },
            xFileSize: { file, size in FaultInjectingVFS.forward(file).xFileSize!(FaultInjectingVFS.wrapped(file), size) },
            xLock: { file, lock in FaultInjectingVFS.forward(file).xLock!(FaultInjectingVFS.wrapped(file), lock) },
            xUnlock: { file, lock in FaultInjectingVFS.forward(file).xUnlock!(FaultInjectingVFS.wrapped(file), lock) },
            xCheckReservedLock: { file, out in FaultInjectingVFS.forward(file).xCheckReservedLock!(FaultInjectingVFS.wrapped(file), out) },
            xFileControl: { file, op, argument in FaultInjectingVFS.forward(file).xFileControl!(FaultInjectingVFS.wrapped(file), op, argument) },
            xSectorSize: { file in FaultInjectingVFS.forward(file).xSectorSize!(FaultInjectingVFS.wrapped(file)) },
            xDeviceCharacteristics: { file in FaultInjectingVFS.forward(file).xDeviceCharacteristics!(FaultInjectingVFS.wrapped(file)) },
            xShmMap: { file, region, size, extend, out in FaultInjectingVFS.forward(file).xShmMap!(FaultInjectingVFS.wrapped(file), region, size, extend, out) },
            xShmLock: { file, offset, count, flags in FaultInjectingVFS.forward(file).xShmLock!(FaultInjectingVFS.wrapped(file), offset, count, flags) },
            xShmBarrier: { file in FaultInjectingVFS.forward(file).xShmBarrier!(FaultInjectingVFS.wrapped(file)) },
            xShmUnmap: { file, delete in FaultInjectingVFS.forward(file).xShmUnmap!(FaultInjectingVFS.wrapped(file), delete) },
            xFetch: { file, offset, amount, out in FaultInjectingVFS.forward(file).xFetch!(FaultInjectingVFS.wrapped(file), offset, amount, out) },
            xUnfetch: { file, offset, pointer in FaultInjectingVFS.forward(file).xUnfetch!(FaultInjectingVFS.wrapped(file), offset, pointer) }))
        return table
    }
}
