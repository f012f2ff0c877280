/// The answers to one pipeline of the extended query protocol, with no I/O.
///
/// For every statement the connection sends `[Parse] Bind Describe(portal) Execute`, and one
/// `Sync` after the last, so the server runs the whole pipeline as one implicit transaction
/// (unless a transaction block is open) and answers, per statement,
/// `[ParseComplete] BindComplete (RowDescription | NoData) DataRow* (CommandComplete |
/// EmptyQueryResponse)`, then `ReadyForQuery`. After an `ErrorResponse` the server skips to
/// the `Sync`: the machine keeps the first error and waits for `ReadyForQuery`, after which
/// the connection is usable again. Notices, parameter changes and notifications are ignored
/// wherever they come. Anything else out of order is a protocol violation, and so is a FATAL
/// error (the server closes the session after it).
struct PostgresPipelineStateMachine {
    enum Action: Equatable {
        case wait
        /// Statement `step`'s `Parse` succeeded: its prepared statement exists from now on.
        case parsed(step: Int)
        /// The pipeline is over: its results, or the server's first error; and the
        /// transaction status the server reported.
        case done(Outcome, PostgresTransactionStatus)
        /// The connection cannot be used any more.
        case fail(PostgresError)
    }

    enum Outcome: Equatable {
        case results([PostgresQueryResult])
        case error(PostgresServerError)
    }

    private enum Phase {
        case awaitingParse
        case awaitingBind
        case awaitingDescription
        case readingRows([PostgresColumn])
        case awaitingReady
        case draining(PostgresServerError)
        case finished
    }

    private let parses: [Bool]
    private var step = 0
    private var phase: Phase
    private var rows: [PostgresRow] = []
    private var results: [PostgresQueryResult] = []

    /// `parses[i]` is true when statement `i` is sent with a `Parse`.
    init(parses: [Bool]) {
        self.parses = parses
        phase = parses.isEmpty ? .awaitingReady : (parses[0] ? .awaitingParse : .awaitingBind)
        results.reserveCapacity(parses.count)
    }

    mutating func receive(_ message: PostgresBackendMessage) -> Action {
        switch (phase, message) {
        case (.finished, _):
            return fail("\(message.summary) after the pipeline ended")
        case (_, .noticeResponse), (_, .parameterStatus), (_, .notificationResponse):
            return .wait
        case (_, .copyResponse):
            return fail("the server started COPY, which this client does not support")
        case (_, .errorResponse(let error)):
            if error.severity == "FATAL" || error.severity == "PANIC" {
                phase = .finished
                return .fail(.server(error))
            }
            if case .draining = phase { return fail("a second ErrorResponse before ReadyForQuery") }
            phase = .draining(error)
            return .wait
        case (.draining(let error), .readyForQuery(let status)):
            phase = .finished
            return .done(.error(error), status)
        case (.awaitingReady, .readyForQuery(let status)):
            phase = .finished
            return .done(.results(results), status)

        case (.awaitingParse, .parseComplete):
            phase = .awaitingBind
            return .parsed(step: step)
        case (.awaitingBind, .bindComplete):
            phase = .awaitingDescription
            return .wait
        case (.awaitingDescription, .rowDescription(let columns)):
            phase = .readingRows(columns)
            return .wait
        case (.awaitingDescription, .noData):
            phase = .readingRows([])
            return .wait
        case (.readingRows(let columns), .dataRow(let values)):
            guard values.count == columns.count else { return fail("a DataRow with \(values.count) values for \(columns.count) columns") }
            rows.append(PostgresRow(columns: columns, values: values))
            return .wait
        case (.readingRows(let columns), .commandComplete(let tag)):
            finishStatement(columns: columns, tag: tag)
            return .wait
        case (.readingRows(let columns), .emptyQueryResponse):
            finishStatement(columns: columns, tag: "")
            return .wait
        default:
            return fail("unexpected \(message.summary) in a pipeline")
        }
    }

    private mutating func finishStatement(columns: [PostgresColumn], tag: String) {
        results.append(PostgresQueryResult(columns: columns, rows: rows, commandTag: tag))
        rows = []
        step += 1
        if step == parses.count {
            phase = .awaitingReady
        } else {
            phase = parses[step] ? .awaitingParse : .awaitingBind
        }
    }

    private mutating func fail(_ why: String) -> Action {
        phase = .finished
        return .fail(.protocolViolation(why))
    }
}
