/// Every command of the contract (CONTRACT.md §6), with its arguments as sent.
///
/// Arguments are NOT validated here: name and value rules (`INVALID`) rank after
/// `AUTH_REQUIRED` and `FORBIDDEN`, so the server checks them once it knows the session.
///
/// The synthesized `==` compares arguments as Swift `String`s, i.e. under Unicode canonical
/// equivalence. The contract compares names and values byte for byte, so code that matches
/// a subject, token or value must compare `.utf8` views, not `String`s.
public enum Command: Sendable, Equatable {
    /// `PING`
    case ping
    /// `HELLO`
    case hello
    /// `AUTH <token>`
    case auth(token: String)
    /// `WHOAMI`
    case whoami
    /// `QUIT`
    case quit
    /// `TENANT CREATE <tenant>`
    case tenantCreate(String)
    /// `TENANT ENROLL <tenant>`: a new enrollment token for an unclaimed tenant.
    case tenantEnroll(String)
    /// `TENANT CLAIM`: the enrollment token's holder takes the tenant's administrator token.
    case tenantClaim
    /// `ADMIN ROTATE`: a new tenant administrator token, pending until its first `AUTH`.
    case adminRotate
    /// `OPERATOR ROTATE` (an extension): a new operator token, pending until its first `AUTH`.
    case operatorRotate
    /// `TENANT LIST`
    case tenantList
    /// `TENANT SHRED <tenant>`
    case tenantShred(String)
    /// `SUBJECT ADD <subject>`
    case subjectAdd(String)
    /// `SUBJECT LIST [<cursor>]`: one page; the cursor is the `next` of the page before.
    case subjectList(cursor: String?)
    /// `SUBJECT SHRED <subject>`
    case subjectShred(String)
    /// `SET <subject> <field> <value> [<field> <value> …]`; `pairs` is never empty.
    case set(subject: String, pairs: [FieldValue])
    /// `GET <subject> <field>`
    case get(subject: String, field: String)
    /// `DEL <subject> <field>`
    case del(subject: String, field: String)
    /// `EXPORT <subject>`
    case export(subject: String)
    /// `FIND <field> <value> [<cursor>]`: one page; the cursor is the `next` of the page before.
    case find(field: String, value: String, cursor: String?)
    /// `TOKEN ISSUE <subject>`
    case tokenIssue(String)
    /// `TOKEN REVOKE <subject>`
    case tokenRevoke(String)
    /// `POLICY GET`
    case policyGet
    /// `POLICY SET <name> <value>`
    case policySet(name: String, value: String)
    /// `KEY ROTATE`
    case keyRotate
    /// `MASTER ROTATE`
    case masterRotate
    /// `DATA ROTATE`: start re-encrypting values under fresh data keys (own tenant; operator: all).
    case dataRotate
    /// `DATA STATUS`: progress of the re-encryption job.
    case dataStatus
    /// `REQUEST ERASURE`
    case requestErasure
    /// `REQUEST LIST`
    case requestList
    /// `AUDIT [<limit>]`; the limit is the raw argument text, range-checked by the server.
    case audit(limit: String?)

    /// The verb and sub-verb in upper case ("SET", "TENANT SHRED"), as the audit trail
    /// names actions. Never contains an argument.
    public var action: String {
        switch self {
        case .ping: return "PING"
        case .hello: return "HELLO"
        case .auth: return "AUTH"
        case .whoami: return "WHOAMI"
        case .quit: return "QUIT"
        case .tenantCreate: return "TENANT CREATE"
        case .tenantEnroll: return "TENANT ENROLL"
        case .tenantClaim: return "TENANT CLAIM"
        case .adminRotate: return "ADMIN ROTATE"
        case .operatorRotate: return "OPERATOR ROTATE"
        case .tenantList: return "TENANT LIST"
        case .tenantShred: return "TENANT SHRED"
        case .subjectAdd: return "SUBJECT ADD"
        case .subjectList: return "SUBJECT LIST"
        case .subjectShred: return "SUBJECT SHRED"
        case .set: return "SET"
        case .get: return "GET"
        case .del: return "DEL"
        case .export: return "EXPORT"
        case .find: return "FIND"
        case .tokenIssue: return "TOKEN ISSUE"
        case .tokenRevoke: return "TOKEN REVOKE"
        case .policyGet: return "POLICY GET"
        case .policySet: return "POLICY SET"
        case .keyRotate: return "KEY ROTATE"
        case .masterRotate: return "MASTER ROTATE"
        case .dataRotate: return "DATA ROTATE"
        case .dataStatus: return "DATA STATUS"
        case .requestErasure: return "REQUEST ERASURE"
        case .requestList: return "REQUEST LIST"
        case .audit: return "AUDIT"
        }
    }
}
