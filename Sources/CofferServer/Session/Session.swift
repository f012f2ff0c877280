import CofferProtocol
import CofferStore
import Foundation

/// The state of one client connection: who it is, and how many times it failed to say so.
///
/// `receive(line:)` turns each request line into one reply (none for a blank line), applying
/// the contract's error precedence: lexing and parsing (`SYNTAX`, `UNKNOWN_COMMAND`) first, then
/// `AUTH_REQUIRED`, `FORBIDDEN`, `INVALID`, and finally what the vault says (`NOT_FOUND`,
/// `EXISTS`). Used by one connection thread only.
final class Session {
    /// What the connection does after a request line.
    struct Outcome: Equatable {
        /// The replies now due, in request order: none for a blank line or a write still in
        /// flight (owed replies settled before a command are delivered separately).
        var replies: [Reply] = []
        /// Close the connection once the replies are sent.
        var close = false
    }

    /// What running one command gave: a reply now, or a write whose reply waits for its commit.
    enum Execution {
        case done(Reply, close: Bool = false)
        case pending(PendingWrite, AuditEvent)
    }

    static let maximumFailedAuthentications = 3
    /// The answer to the n-th failed `AUTH` on a connection is delayed by n times this.
    static let failedAuthenticationDelaySeconds = 0.1

    let vault: Vault
    let version: String
    let authGate: AuthenticationGate
    private(set) var principal: Principal?
    /// The digest of the token that authenticated this session: kept to re-check it when the
    /// vault's auth epoch moves (a revoke, reissue or shred elsewhere).
    private var tokenDigest: [UInt8]?
    private var checkedEpoch: UInt64 = 0
    private var failedAuthentications = 0
    /// Replies owed for earlier lines, in request order (`Session+Pipeline.swift`).
    var awaited: [AwaitedReply] = []

    init(vault: Vault, version: String, authGate: AuthenticationGate) {
        self.vault = vault
        self.version = version
        self.authGate = authGate
    }

    /// The current principal, after re-checking the token if anything may have invalidated it.
    func currentPrincipal() throws(VaultError) -> Principal? {
        guard let digest = tokenDigest else { return nil }
        let epoch = vault.authEpoch
        // An enrollment token expires by the clock, not by a change anyone makes: such a session
        // (rare, one command long) re-checks its token before every command.
        var expires = false
        if case .enrollment = principal { expires = true }
        if epoch != checkedEpoch || expires {
            principal = try vault.principal(forDigest: digest)
            checkedEpoch = epoch
            if principal == nil { tokenDigest = nil }
        }
        return principal
    }

    /// For a subject session: that the subject of its name is still the very row it
    /// authenticated as (ids are never reused). A subject shred ends the session through the
    /// auth epoch already; this also holds when something changed the rows behind the engine's
    /// back. A mismatch ends the session.
    func requireSameSubjectRow() throws {
        guard case .subject(let tenant, let subject, let id?) = principal else { return }
        guard try vault.subjectRowID(subject, tenant: tenant) == id else {
            principal = nil
            tokenDigest = nil
            throw CommandRefusal.authRequired
        }
    }

    /// Replaces the session's identity with the token's, or leaves it unauthenticated.
    ///
    /// A failed `AUTH` is counted per source address and minute for the service's trail
    /// (`AuthenticationGate`), and from an address over its failure limit the token is not
    /// even looked up; a successful one is audited when the session was authenticated already
    /// (a command from an authenticated session).
    func authenticate(token: String) throws(VaultError) -> Execution {
        let previous = try currentPrincipal()
        let epoch = vault.authEpoch
        let admitted = authGate.admits()
        let digest = admitted ? try vault.tokenDigest(Array(token.utf8)) : nil
        guard let digest, let found = try vault.authenticate(digest: digest) else {
            principal = nil
            tokenDigest = nil
            failedAuthentications += 1
            let close = failedAuthentications >= Self.maximumFailedAuthentications
            authGate.recordFailure(refused: !admitted)
            // Slows token guessing: each failure on a connection waits longer before its answer.
            // Only this connection's thread sleeps; every other connection is served meanwhile.
            Thread.sleep(forTimeInterval: Self.failedAuthenticationDelaySeconds * Double(failedAuthentications))
            return .done(.error(.authFailed, admitted ? "unknown, revoked or replaced token"
                                    : "too many failed authentications from this address in the last minute"), close: close)
        }
        if let previous { recordAudit(AuditEvent(actor: previous, action: "AUTH"), result: AuditEvent.ok) }
        principal = found
        tokenDigest = digest
        checkedEpoch = epoch
        return .done(.okValue(Self.identity(found)))
    }

    /// The JSON that `AUTH` and `WHOAMI` answer with.
    static func identity(_ principal: Principal?) -> JSONValue {
        switch principal {
        case nil: return .object([("role", .string("anonymous"))])
        case .operator: return .object([("role", .string("operator"))])
        case .enrollment(let tenant): return .object([("role", .string("enrollment")), ("tenant", .string(tenant.name))])
        case .tenant(let tenant): return .object([("role", .string("tenant")), ("tenant", .string(tenant.name))])
        case .subject(let tenant, let subject, _):
            return .object([("role", .string("subject")), ("tenant", .string(tenant.name)), ("subject", .string(subject))])
        }
    }

    func reply(for error: any Error) -> Reply {
        switch error {
        case let error as CommandRefusal:
            return .error(error.code, error.message)
        case let error as VaultError:
            switch error {
            case .notFound, .exists, .invalid:
                return .error(Self.code(for: error), error.description)
            case .keyFile, .storage, .crypto, .corrupt:
                ServiceLog.error("request failed: \(error)")
                return .error(.internal, "internal error; nothing was changed")
            }
        default:
            ServiceLog.error("request failed: \(type(of: error))")
            return .error(.internal, "internal error; nothing was changed")
        }
    }

    private static func code(for error: VaultError) -> ErrorCode {
        switch error {
        case .notFound: return .notFound
        case .exists: return .exists
        case .invalid: return .invalid
        default: return .internal
        }
    }
}
