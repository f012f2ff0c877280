import CofferTLS

/// A TLS protocol version a client may be pinned to (tests use a TLS-1.2-only client).
/// The type is CofferTLS's `TLSVersion`.
public typealias ClientTLSVersion = TLSVersion
