import CofferCrypto
import CofferProtocol
import CofferStore
import CofferTLS
#if canImport(Glibc)
import Glibc
#endif

/// The whole server: key bootstrap, the vault, the TLS context and the listener, wired together.
public final class CofferService: Sendable {
    /// The server's version, as `HELLO` reports it.
    public static let version = "0.1.0"

    public let configuration: ServerConfiguration
    public let vault: Vault
    private let listener: Listener
    private let failedAuthentications: FailedAuthentications

    /// Prepares everything and binds the port; nothing is served until `start()`.
    /// Throws with a message naming the file or key at fault when the server must not start.
    /// `clock` drives the per-minute accounting of failed `AUTH`s (tests pass their own).
    public init(configuration: ServerConfiguration, clock: ServiceClock = .system) throws(ServiceError) {
        // One client that resets its connection must not kill the server with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        OpenSSLRuntime.disableCleanupAtExit()
        self.configuration = configuration
        do { try KeyBootstrap.prepare(configuration) } catch { throw .bootstrap(error) }
        do {
            var vaultConfiguration = VaultConfiguration(
                dataDirectory: configuration.dataDirectory, masterKeyPath: configuration.masterKeyPath,
                createMissingMasterKey: configuration.createMissingKeys, maxValueBytes: configuration.maxValueBytes,
                maxFieldsPerSubject: configuration.maxFieldsPerSubject,
                auditRetentionSeconds: Int64(configuration.auditRetentionDays) * 86400)
            vaultConfiguration.enrollmentTokenLifetimeSeconds = configuration.enrollmentTokenLifetimeSeconds
            vaultConfiguration.pendingTokenLifetimeSeconds = vaultConfiguration.enrollmentTokenLifetimeSeconds
            if configuration.tenantKeyRotationDays > 0 {
                vaultConfiguration.tenantKeyRotationSeconds = Int64(configuration.tenantKeyRotationDays) * 86400
            }
            vault = try Vault(configuration: vaultConfiguration)
            let token = try KeyBootstrap.operatorToken(configuration)
            try vault.registerOperatorToken(token)
        } catch let error as VaultError {
            if let available = FreeSpace.availableBytes(at: configuration.dataDirectory), available < FreeSpace.minimumToStart {
                throw .diskFull(directory: configuration.dataDirectory, availableBytes: available, cause: error)
            }
            throw .vault(error)
        } catch let error as BootstrapError {
            throw .bootstrap(error)
        } catch {
            throw .vault(.corrupt(String(describing: error)))
        }
        let tls: TLSServerContext
        do {
            tls = try TLSServerContext(configuration: TLSServerConfiguration(
                certificatePath: configuration.certificatePath, privateKeyPath: configuration.privateKeyPath,
                minimumVersion: configuration.minimumTLSVersion))
        } catch {
            throw .tls(error)
        }
        let vault = self.vault
        let maxLineBytes = configuration.maxLineBytes
        let maxLineBytesBeforeAuth = configuration.maxLineBytesBeforeAuth
        let failedAuthentications = FailedAuthentications(
            vault: vault, limitPerMinute: configuration.maxFailedAuthPerAddressPerMinute,
            sourceRetentionSeconds: Int64(configuration.sourceAddressRetentionDays) * 86400, clock: clock)
        self.failedAuthentications = failedAuthentications
        do {
            listener = try Listener(
                configuration: ListenerConfiguration(
                    host: configuration.host, port: configuration.port, maxConnections: configuration.maxConnections,
                    idleTimeoutSeconds: configuration.idleTimeoutSeconds, handshakeTimeoutSeconds: configuration.handshakeTimeoutSeconds,
                    maxConnectionsPerAddress: configuration.maxConnectionsPerAddress,
                    busyReply: Reply.error(.busy, "the server is at its connection limit; try again later").wire,
                    addressBusyReply: Reply.error(.busy, "your address is at its connection limit; try again later").wire),
                tls: tls,
                handler: { connection in
                    let gate = AuthenticationGate(address: connection.clientAddress, failures: failedAuthentications)
                    ConnectionLoop.serve(connection, session: Session(vault: vault, version: Self.version, authGate: gate),
                                         maxLineBytes: maxLineBytes, maxLineBytesBeforeAuth: maxLineBytesBeforeAuth)
                })
        } catch {
            throw .network(error)
        }
    }

    /// The port actually bound (differs from the configured one when that is 0).
    public var port: Int { listener.boundPort }

    /// Starts accepting connections.
    public func start() {
        failedAuthentications.start()
        listener.start()
    }

    /// Stops accepting, lets requests in flight finish, closes idle connections, and returns
    /// when every connection has ended or `timeout` seconds have passed. The failed `AUTH`s of
    /// the minute in progress are recorded before the vault closes.
    public func stop(timeout: Double = 10) {
        listener.stop(timeout: timeout)
        failedAuthentications.stop()
        vault.close()
    }
}
