#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// System calls whose names clash with methods of the types that use them (`close`), and the
/// constants Glibc and Darwin import differently.
public enum NetworkPosix {
    /// `SOCK_STREAM`, which Glibc imports as an enum and Darwin as an integer.
    public static var streamType: Int32 {
        #if os(Linux)
        return Int32(SOCK_STREAM.rawValue)
        #else
        return SOCK_STREAM
        #endif
    }

    /// Closes a file descriptor, ignoring errors (there is nothing useful to do about them).
    public static func closeDescriptor(_ descriptor: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(descriptor)
        #else
        _ = Darwin.close(descriptor)
        #endif
    }

    /// The text for the current `errno`.
    public static func errorText(_ number: Int32 = errno) -> String {
        String(cString: strerror(number))
    }

    /// The text of a NUL-terminated C string held in an array.
    public static func string(fromCString characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
