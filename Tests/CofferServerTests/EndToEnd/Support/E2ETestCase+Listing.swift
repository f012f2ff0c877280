import Foundation
import XCTest

/// Assertions about the paged listings of CONTRACT.md §6 (`SUBJECT LIST`, `FIND`): a reply is
/// exactly `OK {"subjects":[…],"next":<cursor or null>}`, and the order is the server's choice,
/// so subjects are compared as collections.
extension E2ETestCase {
    /// One page: its subjects and the cursor of the next page (nil on the last). Throws unless
    /// the reply has exactly the contract's shape.
    func listingPage(_ reply: String) throws -> (subjects: [String], next: String?) {
        let value = try E2EJSON.parse(okReply: reply)
        guard value.objectKeys == ["subjects", "next"], let elements = value["subjects"]?.arrayValue else {
            throw E2EFailure("not a listing page: \(value)")
        }
        let subjects = try elements.map { element in
            guard let subject = element.stringValue else { throw E2EFailure("a listed subject is not a string: \(element)") }
            return subject
        }
        switch value["next"] {
        case .null?: return (subjects, nil)
        case .string(let cursor)? where !cursor.isEmpty: return (subjects, cursor)
        default: throw E2EFailure("next is neither a cursor string nor null: \(value)")
        }
    }

    /// The reply is a last page (`next` is null) holding exactly `expected`, in any order.
    func assertLastPage(_ reply: String, _ expected: [String], _ message: String = "",
                        file: StaticString = #filePath, line: UInt = #line) {
        do {
            let page = try listingPage(reply)
            XCTAssertNil(page.next, "a last page has next null \(message)", file: file, line: line)
            XCTAssertEqual(Self.byBytes(page.subjects), Self.byBytes(expected), message, file: file, line: line)
        } catch {
            XCTFail("\(error) \(message)", file: file, line: line)
        }
    }

    /// Every page of a listing, following `next` from the first page; `between` runs after each
    /// page that has a next one, with the number of pages read so far.
    func everyPage(_ client: E2EClient, _ words: [String], between: (Int) throws -> Void = { _ in },
                   file: StaticString = #filePath, line: UInt = #line) throws -> [[String]] {
        var pages: [[String]] = []
        var cursor: String?
        repeat {
            let page = try listingPage(try client.request(words: words + (cursor.map { [$0] } ?? []), file: file, line: line))
            XCTAssertLessThanOrEqual(page.subjects.count, 1000, "a page holds at most 1000 subjects", file: file, line: line)
            pages.append(page.subjects)
            cursor = page.next
            if cursor != nil { try between(pages.count) }
        } while cursor != nil && pages.count < 1000
        return pages
    }

    /// Subjects as JSON strings (which compare byte for byte) in the order of their UTF-8 bytes.
    static func byBytes(_ subjects: [String]) -> [E2EJSON] {
        subjects.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { .string($0) }
    }
}
