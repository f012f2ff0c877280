import XCTest
@testable import CofferPostgres

final class PostgresPipelineStateMachineTests: XCTestCase {
    private func feed(_ machine: inout PostgresPipelineStateMachine, _ stream: [UInt8]) throws -> [PostgresPipelineStateMachine.Action] {
        var decoder = PostgresMessageDecoder(maximumMessageBytes: 1 << 16)
        decoder.append(stream)
        var actions: [PostgresPipelineStateMachine.Action] = []
        while let message = try decoder.next() { actions.append(machine.receive(message)) }
        return actions
    }

    func testTwoStatementsTheFirstParsed() throws {
        var machine = PostgresPipelineStateMachine(parses: [true, false])
        let actions = try feed(&machine, BackendBytes.parseComplete + BackendBytes.bindComplete
            + BackendBytes.rowDescription([("n", 20)]) + BackendBytes.dataRow([[0, 0, 0, 0, 0, 0, 0, 1]]) + BackendBytes.dataRow([nil])
            + BackendBytes.error([("S", "NOTICE"), ("M", "n")], type: "N") + BackendBytes.commandComplete("SELECT 2")
            + BackendBytes.bindComplete + BackendBytes.noData + BackendBytes.parameterStatus("TimeZone", "UTC")
            + BackendBytes.commandComplete("INSERT 0 1") + BackendBytes.readyForQuery("T"))
        XCTAssertEqual(actions.filter { $0 != .wait }.count, 2)
        XCTAssertEqual(actions.first, .parsed(step: 0))
        guard case .done(.results(let results), .inTransaction)? = actions.last else { return XCTFail("\(actions)") }
        XCTAssertEqual(results.count, 2)
        XCTAssertEqual(results[0].rows.count, 2)
        XCTAssertEqual(try results[0].rows[0][0].int64(), 1)
        XCTAssertNil(try results[0].rows[1][0].int64())
        XCTAssertEqual(results[0].affectedRows, 2)
        XCTAssertEqual(results[1].columns, [])
        XCTAssertEqual(results[1].commandTag, "INSERT 0 1")
        XCTAssertEqual(results[1].affectedRows, 1)
    }

    /// After an error the server skips to Sync: the error is kept until ReadyForQuery.
    func testAnErrorWaitsForReadyForQuery() throws {
        var machine = PostgresPipelineStateMachine(parses: [true, true])
        let actions = try feed(&machine, BackendBytes.parseComplete + BackendBytes.bindComplete + BackendBytes.noData
            + BackendBytes.error(sqlState: "23505", message: "duplicate key") + BackendBytes.readyForQuery("I"))
        XCTAssertEqual(actions[0], .parsed(step: 0))
        XCTAssertEqual(actions[3], .wait)
        guard case .done(.error(let error), .idle) = actions[4] else { return XCTFail("\(actions)") }
        XCTAssertEqual(error.sqlState, "23505")
    }

    func testAFatalErrorBreaksTheConnection() throws {
        var machine = PostgresPipelineStateMachine(parses: [false])
        let actions = try feed(&machine, BackendBytes.error(sqlState: "57P01", message: "terminating connection due to administrator command", severity: "FATAL"))
        guard case .fail(.server(let error)) = actions[0] else { return XCTFail("\(actions)") }
        XCTAssertEqual(error.sqlState, "57P01")
    }

    func testOutOfOrderMessagesAreViolations() throws {
        let streams: [[UInt8]] = [
            BackendBytes.readyForQuery(),                                                             // before any result
            BackendBytes.bindComplete,                                                                // Parse expected first
            BackendBytes.parseComplete + BackendBytes.bindComplete + BackendBytes.dataRow([[1]]),     // row before description
            BackendBytes.parseComplete + BackendBytes.bindComplete + BackendBytes.rowDescription([("a", 25), ("b", 25)])
                + BackendBytes.dataRow([[1]]),                                                        // wrong value count
            BackendBytes.parseComplete + BackendBytes.bindComplete + BackendBytes.message("G", [0, 0, 0]),   // COPY
        ]
        for stream in streams {
            var machine = PostgresPipelineStateMachine(parses: [true])
            let actions = try feed(&machine, stream)
            guard case .fail(.protocolViolation)? = actions.last else { return XCTFail("\(stream): \(actions)") }
        }
    }

    func testAnEmptyQueryCompletesWithAnEmptyTag() throws {
        var machine = PostgresPipelineStateMachine(parses: [false])
        let actions = try feed(&machine, BackendBytes.bindComplete + BackendBytes.noData + BackendBytes.emptyQueryResponse + BackendBytes.readyForQuery())
        guard case .done(.results(let results), .idle)? = actions.last else { return XCTFail("\(actions)") }
        XCTAssertEqual(results.first?.commandTag, "")
        XCTAssertNil(results.first?.affectedRows)
    }
}
