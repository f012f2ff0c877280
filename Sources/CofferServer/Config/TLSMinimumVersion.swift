import CofferTLS

/// The oldest TLS version the server accepts (`tls.minimumVersion`): TLS 1.3 by default, or 1.2
/// limited to ECDHE key exchange with AEAD ciphers. The type is CofferTLS's `TLSVersion`.
public typealias TLSMinimumVersion = TLSVersion
