import CofferTLS

extension PostgresError {
    /// The PostgreSQL error for a failure of the socket or TLS layer during `operation`
    /// ("read", "write", "TLS handshake"...). `.connect` failures are mapped by
    /// `PostgresConnector`, which knows the host and port to name.
    init(_ failure: TLSError, during operation: String) {
        let reason = failure.details.isEmpty ? failure.description : failure.details.joined(separator: "; ")
        switch failure.kind {
        case .configuration, .certificateGeneration: self = .invalidConfiguration(failure.description)
        case .handshake: self = .tlsHandshake(reason)
        case .certificateVerification: self = .certificateVerification(reason)
        case .timeout: self = .timeout(operation: operation)
        case .closed: self = .connectionClosed(midMessage: false)
        case .connect, .io: self = .io(failure.description)
        }
    }
}
