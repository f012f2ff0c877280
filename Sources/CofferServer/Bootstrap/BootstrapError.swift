import CofferCrypto

/// Why the server refused to start. Every case names the file concerned.
public enum BootstrapError: Error, Sendable, CustomStringConvertible {
    case missingFiles([String], reason: String)
    case secretFile(SecretFile.Failure)
    case generation(String)

    public var description: String {
        switch self {
        case .missingFiles(let paths, let reason):
            return "refusing to start: missing \(paths.joined(separator: ", ")) (\(reason))"
        case .secretFile(let failure):
            return "refusing to start: \(failure)"
        case .generation(let what):
            return "refusing to start: could not create \(what)"
        }
    }
}
