/// Why a config file was refused. Every case names the file or the key by its full path.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    /// A key this version does not know, for example `limits.maxLine`.
    case unknownKey(String)
    /// A known key with a value of the wrong type or out of range.
    case invalidValue(key: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read config file \(path): \(reason)"
        case .malformed(let path, let reason): return "config file \(path) is malformed: \(reason)"
        case .unknownKey(let key): return "unknown config key \(key)"
        case .invalidValue(let key, let reason): return "invalid value for config key \(key): \(reason)"
        }
    }
}
