import XCTest
@testable import CofferPostgres

final class PostgresMessageFramingTests: XCTestCase {
    private let stream = BackendBytes.parseComplete + BackendBytes.bindComplete
        + BackendBytes.rowDescription([("id", 20), ("blob", 17)])
        + BackendBytes.dataRow([[0, 0, 0, 0, 0, 0, 0, 42], nil])
        + BackendBytes.commandComplete("SELECT 1") + BackendBytes.readyForQuery("T")

    private let expected: [PostgresBackendMessage] = [
        .parseComplete, .bindComplete,
        .rowDescription([PostgresColumn(name: "id", type: .int8, format: .binary), PostgresColumn(name: "blob", type: .bytea, format: .binary)]),
        .dataRow([[0, 0, 0, 0, 0, 0, 0, 42], nil]),
        .commandComplete(tag: "SELECT 1"), .readyForQuery(.inTransaction),
    ]

    private func drain(_ decoder: inout PostgresMessageDecoder) throws -> [PostgresBackendMessage] {
        var out: [PostgresBackendMessage] = []
        while let message = try decoder.next() { out.append(message) }
        return out
    }

    func testOneChunk() throws {
        var decoder = PostgresMessageDecoder(maximumMessageBytes: 1 << 20)
        decoder.append(stream)
        XCTAssertEqual(try drain(&decoder), expected)
        XCTAssertEqual(decoder.bufferedByteCount, 0)
    }

    /// Every split of the stream into byte-sized reads yields the same messages.
    func testByteByByte() throws {
        var decoder = PostgresMessageDecoder(maximumMessageBytes: 1 << 20)
        var out: [PostgresBackendMessage] = []
        for byte in stream {
            decoder.append([byte])
            out += try drain(&decoder)
        }
        XCTAssertEqual(out, expected)
    }

    func testEverySplitPoint() throws {
        for split in 1..<stream.count {
            var decoder = PostgresMessageDecoder(maximumMessageBytes: 1 << 20)
            decoder.append(Array(stream[..<split]))
            var out = try drain(&decoder)
            decoder.append(Array(stream[split...]))
            out += try drain(&decoder)
            XCTAssertEqual(out, expected, "split at \(split)")
        }
    }

    /// The length is checked from the 5-byte header alone: nothing is buffered for a message
    /// over the cap.
    func testAnOversizedLengthIsRefusedFromItsHeader() {
        var decoder = PostgresMessageDecoder(maximumMessageBytes: 1024)
        decoder.append([UInt8(ascii: "D")] + be32(1029))
        XCTAssertThrowsError(try decoder.next()) { error in
            XCTAssertEqual(error as? PostgresError, .messageTooLarge(length: 1025, maximum: 1024))
        }
        var fits = PostgresMessageDecoder(maximumMessageBytes: 1024)
        fits.append([UInt8(ascii: "D")] + be32(1028))
        XCTAssertNil(try fits.next())
    }

    func testMalformedMessagesAreProtocolViolations() {
        let malformed: [[UInt8]] = [
            [UInt8(ascii: "Z")] + be32(3),                                         // length below 4
            [UInt8(ascii: "Z")] + be32(-1),                                        // negative
            BackendBytes.message("?", []),                                         // unknown type
            BackendBytes.message("Z", [UInt8(ascii: "X")]),                        // unknown status
            BackendBytes.message("Z", []),                                         // missing status
            BackendBytes.message("C", Array("no terminator".utf8)),
            BackendBytes.message("D", be16(1) + be32(10) + [1, 2]),                // value longer than the message
            BackendBytes.message("D", be16(-1)),
            BackendBytes.message("1", [0]),                                        // trailing byte
            BackendBytes.message("R", [0, 0]),                                     // truncated code
        ]
        for bytes in malformed {
            var decoder = PostgresMessageDecoder(maximumMessageBytes: 1024)
            decoder.append(bytes)
            XCTAssertThrowsError(try decoder.next(), "\(bytes)") { error in
                guard case .protocolViolation = error as? PostgresError else { return XCTFail("\(bytes): \(error)") }
            }
        }
    }

    func testAuthenticationRequests() throws {
        let cases: [([UInt8], PostgresAuthenticationRequest)] = [
            (BackendBytes.authenticationOk, .ok),
            (BackendBytes.cleartextPassword, .cleartextPassword),
            (BackendBytes.md5Password, .md5Password),
            (BackendBytes.authentication(7), .gss),
            (BackendBytes.authentication(9), .sspi),
            (BackendBytes.sasl(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"]), .sasl(mechanisms: ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"])),
            (BackendBytes.saslContinue("r=abc"), .saslContinue(data: Array("r=abc".utf8))),
            (BackendBytes.saslFinal("v=xyz"), .saslFinal(data: Array("v=xyz".utf8))),
        ]
        for (bytes, request) in cases {
            var decoder = PostgresMessageDecoder(maximumMessageBytes: 1024)
            decoder.append(bytes)
            XCTAssertEqual(try decoder.next(), .authentication(request))
        }
    }

    /// Exact bytes of the frontend messages, from PostgreSQL's "Message Formats".
    func testFrontendEncoding() throws {
        XCTAssertEqual(try PostgresFrontendMessage.encode([.sslRequest]), [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F])
        XCTAssertEqual(try PostgresFrontendMessage.encode([.startup(parameters: [("user", "u")])]),
                       be32(16) + [0, 3, 0, 0] + cString("user") + cString("u") + [0])
        XCTAssertEqual(try PostgresFrontendMessage.encode([.sync, .terminate]), [UInt8(ascii: "S"), 0, 0, 0, 4, UInt8(ascii: "X"), 0, 0, 0, 4])
        XCTAssertEqual(try PostgresFrontendMessage.encode([.parse(name: "s1", sql: "SELECT $1", parameterTypes: [.int8])]),
                       [UInt8(ascii: "P")] + be32(4 + 3 + 10 + 2 + 4) + cString("s1") + cString("SELECT $1") + be16(1) + be32(20))
        XCTAssertEqual(try PostgresFrontendMessage.encode([.saslInitialResponse(mechanism: "SCRAM-SHA-256", data: [1, 2])]),
                       [UInt8(ascii: "p")] + be32(4 + 14 + 4 + 2) + cString("SCRAM-SHA-256") + be32(2) + [1, 2])
        XCTAssertEqual(try PostgresFrontendMessage.encode([.execute(portal: "")]), [UInt8(ascii: "E")] + be32(9) + [0] + be32(0))
        XCTAssertEqual(try PostgresFrontendMessage.encode([.describe(kind: .portal, name: "")]), [UInt8(ascii: "D")] + be32(6) + [UInt8(ascii: "P"), 0])
    }

    /// bytea and int8 in binary, text in text, NULL as length -1; every result column binary.
    func testBindEncodesFormatsAndValues() throws {
        let bytes = try PostgresFrontendMessage.encode([.bind(portal: "", statement: "s1",
            values: [.bytea([0, 0xFF]), .int8(-2), .text("hé"), .null, .int4(7), .bool(true)])])
        var body: [UInt8] = [0] + cString("s1")
        body += be16(6) + be16(1) + be16(1) + be16(0) + be16(0) + be16(1) + be16(1)
        body += be16(6)
        body += be32(2) + [0, 0xFF]
        body += be32(8) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]
        body += be32(3) + Array("hé".utf8)
        body += be32(-1)
        body += be32(4) + [0, 0, 0, 7]
        body += be32(1) + [1]
        body += be16(1) + be16(1)
        XCTAssertEqual(bytes, [UInt8(ascii: "B")] + be32(Int32(body.count + 4)) + body)
    }

    func testANulInSQLIsRefusedBeforeSending() {
        XCTAssertThrowsError(try PostgresFrontendMessage.encode([.parse(name: "", sql: "SELECT 1\u{0}; DROP TABLE t", parameterTypes: [])])) { error in
            guard case .invalidRequest = error as? PostgresError else { return XCTFail("\(error)") }
        }
    }
}
