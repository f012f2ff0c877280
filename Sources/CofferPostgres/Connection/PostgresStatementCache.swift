/// The statements prepared on one connection, by SQL text and parameter types, and the plan
/// of messages for a pipeline that uses them.
struct PostgresStatementCache {
    struct Key: Hashable {
        let sql: String
        let types: [PostgresType]
    }

    /// A statement that a pipeline prepares; it enters the cache once its `ParseComplete` arrives.
    struct NewStatement {
        let key: Key
        let name: String
    }

    /// The messages of one pipeline: for each statement whether it is parsed, and what it prepares.
    struct Plan {
        let messages: [PostgresFrontendMessage]
        let parses: [Bool]
        /// Per statement: the named statement its `Parse` creates, if any.
        let newStatements: [NewStatement?]
    }

    private var names: [Key: String] = [:]
    private var counter = 0

    var count: Int { names.count }

    mutating func plan(_ statements: [PostgresStatement], capacity: Int) -> Plan {
        var messages: [PostgresFrontendMessage] = []
        messages.reserveCapacity(statements.count * 4 + 1)
        var parses: [Bool] = []
        var created: [NewStatement?] = []
        var pending: [Key: String] = [:]
        for statement in statements {
            let key = Key(sql: statement.sql, types: statement.binds.map(\.type))
            if let name = names[key] ?? pending[key] {
                parses.append(false)
                created.append(nil)
                messages.append(.bind(portal: "", statement: name, values: statement.binds))
            } else {
                var name = ""
                if names.count + pending.count < capacity {
                    counter += 1
                    name = "coffer_\(counter)"
                    pending[key] = name
                }
                parses.append(true)
                created.append(name.isEmpty ? nil : NewStatement(key: key, name: name))
                messages.append(.parse(name: name, sql: statement.sql, parameterTypes: key.types))
                messages.append(.bind(portal: "", statement: name, values: statement.binds))
            }
            messages.append(.describe(kind: .portal, name: ""))
            messages.append(.execute(portal: ""))
        }
        messages.append(.sync)
        return Plan(messages: messages, parses: parses, newStatements: created)
    }

    /// Records a statement the server has prepared.
    mutating func confirm(_ statement: NewStatement?) {
        guard let statement else { return }
        names[statement.key] = statement.name
    }
}
