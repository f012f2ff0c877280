extension E2ETestCase {
    /// `times` failed `AUTH`s from the loopback address `source`, on as many connections as it
    /// takes (two each: a connection closes after its third).
    func failAuth(times: Int, from source: String, on server: E2EServer, file: StaticString = #filePath, line: UInt = #line) throws {
        var left = times
        while left > 0 {
            let client = try server.connect(from: source)
            for _ in 0..<min(left, 2) { assertError(try client.auth("cft_not-a-real-token"), "AUTH_FAILED", file: file, line: line) }
            left -= min(left, 2)
        }
    }
}
