import XCTest
@testable import CofferPostgres

final class PostgresStatementCacheTests: XCTestCase {
    func testAStatementIsParsedOnceConfirmedThenOnlyBound() {
        var cache = PostgresStatementCache()
        let statement = PostgresStatement("SELECT $1", [.int8(1)])
        let first = cache.plan([statement], capacity: 10)
        XCTAssertEqual(first.parses, [true])
        XCTAssertEqual(first.messages.count, 5)   // Parse Bind Describe Execute Sync
        // Not confirmed yet (say the Parse failed): parsed again, under a new name.
        let again = cache.plan([statement], capacity: 10)
        XCTAssertEqual(again.parses, [true])
        cache.confirm(again.newStatements[0])
        let third = cache.plan([PostgresStatement("SELECT $1", [.int8(2)])], capacity: 10)
        XCTAssertEqual(third.parses, [false])
        XCTAssertEqual(third.messages.count, 4)
        // Other parameter types are another statement.
        XCTAssertEqual(cache.plan([PostgresStatement("SELECT $1", [.text("a")])], capacity: 10).parses, [true])
    }

    func testTheSameTextTwiceInOnePipelineIsParsedOnce() {
        var cache = PostgresStatementCache()
        let plan = cache.plan([PostgresStatement("INSERT INTO t VALUES ($1)", [.int8(1)]),
                               PostgresStatement("INSERT INTO t VALUES ($1)", [.int8(2)])], capacity: 10)
        XCTAssertEqual(plan.parses, [true, false])
        XCTAssertEqual(plan.messages.last, .sync)
    }

    func testBeyondCapacityStatementsAreUnnamed() {
        var cache = PostgresStatementCache()
        let plan = cache.plan([PostgresStatement("SELECT 1"), PostgresStatement("SELECT 2")], capacity: 1)
        XCTAssertNotNil(plan.newStatements[0])
        XCTAssertNil(plan.newStatements[1])
        XCTAssertEqual(plan.messages[4], .parse(name: "", sql: "SELECT 2", parameterTypes: []))
    }
}
