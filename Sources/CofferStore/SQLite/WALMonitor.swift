import CCofferShims

/// The frame count of a connection's write-ahead log after its latest commit, readable from any
/// thread (`Database.monitorWAL(checkpointFrames:)`, used by `WALCheckpointer`).
public final class WALMonitor: @unchecked Sendable {
    // @unchecked Sendable: the C struct holds one atomic, written by SQLite's WAL hook on the
    // connection's thread and read with an atomic load here; it is freed only in deinit, after
    // the connection that calls the hook has closed (the `Database` holds this object).
    private let monitor: OpaquePointer

    init(monitor: OpaquePointer) {
        self.monitor = monitor
    }

    deinit {
        coffer_wal_monitor_free(monitor)
    }

    /// Frames in the WAL after the latest commit (it starts again from zero after the WAL is
    /// reset, once a checkpoint has copied all of it).
    public var frames: Int { coffer_wal_monitor_frames(monitor) }
}
