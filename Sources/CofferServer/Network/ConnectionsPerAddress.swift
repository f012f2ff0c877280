/// How many connections each client address holds (`limits.maxConnectionsPerAddress`).
///
/// Not synchronized: the listener uses it under its own lock. An entry exists only while its
/// address holds a connection, so the table never has more entries than there are connections.
struct ConnectionsPerAddress {
    /// The most connections one address may hold; 0 means no limit (nothing is counted then).
    let limit: Int
    private var counts: [ClientAddress: Int] = [:]

    init(limit: Int) {
        self.limit = limit
    }

    /// Addresses that hold at least one connection.
    var trackedAddresses: Int { counts.count }

    /// Counts one more connection for `address`; false (and nothing counted) when the address
    /// is at its limit. Always true when the limit is off or the address is unknown.
    mutating func acquire(_ address: ClientAddress?) -> Bool {
        guard limit > 0, let address else { return true }
        let count = counts[address, default: 0]
        guard count < limit else { return false }
        counts[address] = count + 1
        return true
    }

    /// Releases what `acquire` counted (call it exactly once per `true` it returned).
    mutating func release(_ address: ClientAddress?) {
        guard limit > 0, let address, let count = counts[address] else { return }
        counts[address] = count > 1 ? count - 1 : nil
    }
}
