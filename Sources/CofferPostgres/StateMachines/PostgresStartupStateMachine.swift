import CofferCrypto

/// Startup and authentication (PostgreSQL "Message Flow", "Start-up"), with no I/O: it is fed
/// the server's messages and answers what to send next, as PostgresNIO's
/// `AuthenticationStateMachine` does. The connection drives it.
///
/// Only SCRAM-SHA-256 is accepted. Cleartext, MD5, Kerberos, GSSAPI, SSPI and SCM requests are
/// refused before anything is sent; so is an `AuthenticationOk` that comes without a SCRAM
/// exchange (a server that lets anyone in has not proved who it is) or before the server's
/// signature was verified.
struct PostgresStartupStateMachine {
    /// What the connection does next.
    enum Action: Equatable {
        /// Send these messages, then wait for the next server message.
        case send([PostgresFrontendMessage])
        /// Wait for the next server message.
        case wait
        /// The session is ready for queries.
        case ready
        /// Startup failed; close the connection.
        case fail(PostgresError)
    }

    private enum State {
        case initial
        case awaitingAuthentication
        case saslInitialResponseSent
        case saslResponseSent
        case serverVerified
        case authenticated
        case ready
        case failed
    }

    private var state = State.initial
    private var scram: SCRAMSHA256Client?
    private let parameters: [(String, String)]
    private let password: SecureBytes
    private let clientNonce: String?

    /// Server parameters reported so far (`server_version`, `client_encoding`, ...).
    private(set) var serverParameters: [String: String] = [:]
    /// The process ID and secret key for cancel requests.
    private(set) var backendKey: (processID: Int32, secretKey: Int32)?

    /// `clientNonce` is for tests with a known exchange only.
    init(user: String, database: String, applicationName: String, password: SecureBytes, clientNonce: String? = nil) {
        parameters = [("user", user), ("database", database), ("application_name", applicationName), ("client_encoding", "UTF8")]
        self.password = password
        self.clientNonce = clientNonce
    }

    /// The first step: the startup message.
    mutating func start() -> Action {
        guard case .initial = state else { return fail(.protocolViolation("startup began twice")) }
        state = .awaitingAuthentication
        return .send([.startup(parameters: parameters)])
    }

    mutating func receive(_ message: PostgresBackendMessage) -> Action {
        switch (state, message) {
        case (.failed, _), (.ready, _), (.initial, _):
            return fail(.protocolViolation("\(message.summary) outside startup"))
        case (_, .noticeResponse):
            return .wait
        case (_, .errorResponse(let error)):
            return fail(error.sqlStateClass == "28" ? .authenticationRejected(error) : .server(error))

        case (.awaitingAuthentication, .authentication(.sasl(let mechanisms))):
            guard mechanisms.contains(SCRAMSHA256Client.mechanism) else {
                return fail(.authenticationMethodRefused(PostgresAuthenticationRequest.sasl(mechanisms: mechanisms).methodName))
            }
            do {
                var client = try SCRAMSHA256Client(user: "", password: password, clientNonce: clientNonce)
                let first = try client.clientFirstMessage()
                scram = client
                state = .saslInitialResponseSent
                return .send([.saslInitialResponse(mechanism: SCRAMSHA256Client.mechanism, data: first)])
            } catch {
                return fail(error)
            }
        case (.awaitingAuthentication, .authentication(let request)):
            return fail(.authenticationMethodRefused(request.methodName))

        case (.saslInitialResponseSent, .authentication(.saslContinue(let data))):
            do {
                guard var client = scram else { return fail(.protocolViolation("no SCRAM exchange")) }
                let final = try client.clientFinalMessage(serverFirst: data)
                scram = client
                state = .saslResponseSent
                return .send([.saslResponse(data: final)])
            } catch {
                return fail(error)
            }

        case (.saslResponseSent, .authentication(.saslFinal(let data))):
            do {
                guard var client = scram else { return fail(.protocolViolation("no SCRAM exchange")) }
                try client.verifyServerFinal(data)
                scram = nil
                state = .serverVerified
                return .wait
            } catch {
                return fail(error)
            }
        case (.saslResponseSent, .authentication(.ok)):
            return fail(.authenticationFailed("the server accepted the login without proving that it knows the password"))

        case (.serverVerified, .authentication(.ok)):
            state = .authenticated
            return .wait

        case (.authenticated, .parameterStatus(let name, let value)):
            serverParameters[name] = value
            return .wait
        case (.authenticated, .backendKeyData(let processID, let secretKey)):
            backendKey = (processID, secretKey)
            return .wait
        case (.authenticated, .readyForQuery):
            state = .ready
            return .ready

        default:
            return fail(.protocolViolation("unexpected \(message.summary) during startup"))
        }
    }

    var isReady: Bool {
        if case .ready = state { return true }
        return false
    }

    private mutating func fail(_ error: PostgresError) -> Action {
        state = .failed
        scram = nil
        return .fail(error)
    }
}
