import Foundation

/// The service's log: one line per event on standard error, with a UTC timestamp.
///
/// Callers pass only operational facts (names of tenants, error codes, file paths): never a
/// value, a subject identifier, a token or key bytes.
public enum ServiceLog {
    public static func info(_ message: String) { write("info", message) }
    public static func warning(_ message: String) { write("warning", message) }
    public static func error(_ message: String) { write("error", message) }

    private static func write(_ level: String, _ message: String) {
        let line = "\(Date().formatted(.iso8601)) \(level) \(message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
