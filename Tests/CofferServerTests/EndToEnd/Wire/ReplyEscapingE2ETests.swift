import CofferClient
import Foundation
import XCTest

/// No reply line carries raw a scalar that can steer a terminal or reorder what it shows (C0 and
/// C1 controls, DEL, U+2028/U+2029, bidirectional controls): they arrive as JSON `\uXXXX`
/// escapes, and the value decodes to exactly what was stored (CONTRACT.md §3–4).
final class ReplyEscapingE2ETests: E2ETestCase {
    private let hostile = "a\u{1B}[31mred\u{9B}2J\u{85}b\u{2028}c\u{2029}d\u{202E}gpj.exe\u{2066}\u{2069}\u{200F}\u{061C}\u{7F}z"

    func testHostileValuesComeBackEscapedAndByteForByte() throws {
        let server = try startServer()
        let (_, admin) = try makeTenant("acme", on: server)
        assertReply(try admin.request(words: ["SET", "alice", "note", hostile]), "OK")
        for line in [RequestLine.make(["GET", "alice", "note"]), RequestLine.make(["EXPORT", "alice"])] {
            let reply = try admin.request(line)
            let raw = reply.unicodeScalars.filter { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x061C
                || (0x200E...0x200F).contains($0.value) || (0x2028...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) }
            XCTAssertTrue(raw.isEmpty, "\(line): raw scalars \(raw.map { String($0.value, radix: 16) })")
        }
        assertValue(try admin.request(words: ["GET", "alice", "note"]), .string(hostile))
        assertObject(try admin.request(words: ["EXPORT", "alice"]), ["fields": .object(["note": .string(hostile)])])
    }
}
