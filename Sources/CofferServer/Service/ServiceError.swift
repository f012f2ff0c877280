import CofferStore

/// Why the server could not start.
public enum ServiceError: Error, Sendable, CustomStringConvertible {
    case bootstrap(BootstrapError)
    case vault(VaultError)
    case tls(TLSError)
    case network(NetworkError)

    public var description: String {
        switch self {
        case .bootstrap(let error): return error.description
        case .vault(let error): return "refusing to start: \(error)"
        case .tls(let error): return "refusing to start: TLS: \(error)"
        case .network(let error): return "refusing to start: \(error)"
        }
    }
}
