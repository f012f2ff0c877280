/// What a session's `AUTH` consults and reports beyond the vault: the connection's client
/// address and the server's failed-`AUTH` accounting for it (`FailedAuthentications`).
struct AuthenticationGate {
    let address: ClientAddress?
    let failures: FailedAuthentications

    /// False when the address is over `limits.maxFailedAuthPerAddressPerMinute`: the `AUTH`
    /// fails without its token being looked up.
    func admits() -> Bool {
        failures.admits(address)
    }

    /// Counts a failed `AUTH` (to be recorded per source and minute, never one by one).
    func recordFailure(refused: Bool) {
        failures.recordFailure(address, refused: refused)
    }
}
