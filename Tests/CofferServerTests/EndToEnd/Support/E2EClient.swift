import Foundation
import XCTest
import CofferClient

/// A `CofferConnection` with the helpers the end-to-end tests share.
///
/// Every reply that passes through it is checked against the contract's rules for all replies
/// (CONTRACT.md §3): no CR anywhere, and an `ERR` always has a known code and a non-empty
/// message. A breach fails the running test without printing the reply's contents.
final class E2EClient {
    let connection: CofferConnection

    /// The codes of CONTRACT.md §3.
    static let errorCodes: Set<String> = ["SYNTAX", "TOO_LONG", "UNKNOWN_COMMAND", "AUTH_REQUIRED", "AUTH_FAILED",
                                          "FORBIDDEN", "NOT_FOUND", "EXISTS", "INVALID", "BUSY", "INTERNAL", "UNAVAILABLE"]

    init(_ connection: CofferConnection) {
        self.connection = connection
    }

    deinit {
        connection.close()
    }

    /// Sends one request line and returns its reply line.
    @discardableResult
    func request(_ line: String, file: StaticString = #filePath, line sourceLine: UInt = #line) throws -> String {
        let reply = try connection.request(line)
        Self.checkHygiene(reply, file: file, line: sourceLine)
        return reply
    }

    /// Sends `words` as one line: the verb (and a sub-verb) as atoms, every argument as a JSON string.
    @discardableResult
    func request(words: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try request(RequestLine.make(words), file: file, line: line)
    }

    /// `AUTH <token>`; the token is sent as an atom, as a person would type it.
    @discardableResult
    func auth(_ token: String) throws -> String {
        try request("AUTH " + token)
    }

    /// Sends raw bytes without adding anything (for pipelining and malformed input).
    func send(raw bytes: [UInt8]) throws {
        try connection.send(raw: bytes)
    }

    /// Sends the text of `raw` as it is.
    func send(raw text: String) throws {
        try connection.send(raw: Array(text.utf8))
    }

    /// The next reply line, or nil once the server has closed the connection.
    func readReply(file: StaticString = #filePath, line: UInt = #line) throws -> String? {
        guard let reply = try connection.readReplyLine() else { return nil }
        Self.checkHygiene(reply, file: file, line: line)
        return reply
    }

    /// True when the server has closed the connection: the next read finds the end of input
    /// (or a reset) instead of a reply line.
    func isClosedByServer() -> Bool {
        do {
            return try connection.readReplyLine() == nil
        } catch {
            return error.kind == .closed || error.kind == .io
        }
    }

    func close() {
        connection.close()
    }

    // MARK: Reply checks shared by every test

    static func checkHygiene(_ reply: String, file: StaticString, line: UInt) {
        if reply.utf8.contains(0x0D) {
            XCTFail("a reply line contains a CR", file: file, line: line)
        }
        guard reply.hasPrefix("ERR") else {
            if !(reply == "OK" || reply.hasPrefix("OK ")) {
                XCTFail("a reply is neither OK nor ERR: \(redacted(reply))", file: file, line: line)
            }
            return
        }
        let parts = reply.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count < 3 || parts[0] != "ERR" || !errorCodes.contains(String(parts[1]))
            || parts[2].trimmingCharacters(in: .whitespaces).isEmpty {
            XCTFail("an ERR reply must be `ERR <CODE> <non-empty message>`: \(redacted(reply))", file: file, line: line)
        }
    }

    /// The reply's error code, or nil for an `OK` reply.
    static func errorCode(_ reply: String) -> String? {
        guard reply.hasPrefix("ERR ") else { return nil }
        return reply.split(separator: " ", maxSplits: 2).dropFirst().first.map(String.init)
    }

    /// `reply` with every Coffer token (`cft_…`) cut to its prefix, safe to print in a failure.
    static func redacted(_ reply: String) -> String {
        var output = ""
        var rest = Substring(reply)
        while let range = rest.range(of: "cft_") {
            output += rest[..<range.upperBound] + "…"
            rest = rest[range.upperBound...].drop { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        }
        return output + rest
    }
}
