import CofferClient

/// One generated attempt by an actor on data that is not its own, with the refusal the
/// contract prescribes (CONTRACT.md §3 precedence, §5 roles).
struct IsolationAttempt {
    /// Who acts.
    enum Actor: Equatable {
        case `operator`
        case tenant(String)
        case subject(tenant: String, subject: String)
    }

    let actor: Actor
    /// The request line; arguments are JSON strings.
    let line: String
    /// `FORBIDDEN` or `NOT_FOUND`.
    let expectedCode: String

    /// A random attempt by `actor` on a subject of `victimTenant` (`victim`) that the actor may not touch.
    static func generate(actor: Actor, victimTenant: String, victim: String,
                         using random: inout SeededGenerator) -> IsolationAttempt {
        let field = ["phone", "city", "email", "x.\(random.below(1000))"][random.below(4)]
        let value = "v\(random.next())"
        let onVictim: [[String]] = [["GET", victim, field], ["DEL", victim, field], ["EXPORT", victim],
                                    ["SET", victim, field, value], ["SUBJECT", "SHRED", victim],
                                    ["TOKEN", "ISSUE", victim], ["TOKEN", "REVOKE", victim]]
        switch actor {
        case .tenant:
            // Another tenant's subject does not exist for this tenant: NOT_FOUND. (A SET would
            // create a subject of the actor's own, so it is no attempt on the victim.)
            let choices = onVictim.filter { $0[0] != "SET" } + [["TENANT", "SHRED", victimTenant]]
            let words = choices[random.below(choices.count)]
            return IsolationAttempt(actor: actor, line: RequestLine.make(words),
                                    expectedCode: words[0] == "TENANT" ? "FORBIDDEN" : "NOT_FOUND")
        case .subject(let ownTenant, _):
            let choices = onVictim + [["TENANT", "SHRED", victimTenant], ["TENANT", "SHRED", ownTenant],
                                      ["SUBJECT", "LIST"], ["FIND", field, value], ["POLICY", "SET", "subject_self_edit", "on"],
                                      ["KEY", "ROTATE"], ["AUDIT"], ["REQUEST", "LIST"], ["TENANT", "LIST"],
                                      ["SUBJECT", "ADD", victim], ["TOKEN", "ISSUE", victim]]
            let words = choices[random.below(choices.count)]
            return IsolationAttempt(actor: actor, line: RequestLine.make(words), expectedCode: "FORBIDDEN")
        case .operator:
            let choices = onVictim + [["FIND", field, value], ["POLICY", "GET"], ["SUBJECT", "LIST"], ["REQUEST", "LIST"]]
            let words = choices[random.below(choices.count)]
            return IsolationAttempt(actor: actor, line: RequestLine.make(words), expectedCode: "FORBIDDEN")
        }
    }
}
