import COpenSSL

/// Process-wide OpenSSL settings.
public enum OpenSSLRuntime {
    /// Keeps OpenSSL from tearing itself down in an `atexit` handler.
    ///
    /// Background threads (a purge, a re-encryption batch, a connection) may still be inside
    /// OpenSSL when the process exits; with the default clean-up they would crash on freed
    /// state. The operating system reclaims the memory anyway. Must run before any other
    /// OpenSSL call to take effect; calling it again is harmless.
    public static func disableCleanupAtExit() {
        _ = once
    }

    private static let once: Bool = {
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1
    }()
}
