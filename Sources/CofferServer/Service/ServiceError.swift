import CofferStore
import CofferTLS

/// Why the server could not start.
public enum ServiceError: Error, Sendable, CustomStringConvertible {
    case bootstrap(BootstrapError)
    case vault(VaultError)
    /// The vault could not be opened and the disk that holds its data directory is full.
    case diskFull(directory: String, availableBytes: Int, cause: VaultError)
    case tls(TLSError)
    case network(NetworkError)

    public var description: String {
        switch self {
        case .bootstrap(let error): return error.description
        case .vault(let error): return "refusing to start: \(error)"
        case .diskFull(let directory, let available, let cause):
            return "refusing to start: no space left on the disk that holds \(directory) (\(available) bytes free); "
                + "free some space and start again (\(cause))"
        case .tls(let error): return "refusing to start: TLS: \(error)"
        case .network(let error): return "refusing to start: \(error)"
        }
    }
}
