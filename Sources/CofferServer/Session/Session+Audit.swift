import CofferProtocol
import CofferStore

extension Session {
    /// `AUDIT [<limit>]`: the tenant's own records, newest first. Not itself audited.
    func auditTrail(limit text: String?, as principal: Principal) throws -> Reply {
        guard case .tenant(let tenant) = principal else {
            throw CommandRefusal.forbidden("only a tenant administrator may read its audit trail")
        }
        let limit = try Self.auditLimit(text)
        let entries = try vault.auditTrail(tenant: tenant, limit: limit).map { entry -> JSONValue in
            var members: [(String, JSONValue)] = [
                ("seq", .int(Int(entry.seq))), ("time", .string(entry.timeText)), ("actor", .string(entry.actor)),
                ("action", .string(entry.action)), ("result", .string(entry.result)),
            ]
            if let subject = entry.actorSubject { members.append(("actor_subject", .string(subject))) }
            if let subject = entry.subject { members.append(("subject", .string(subject))) }
            if !entry.fields.isEmpty { members.append(("fields", .array(entry.fields.map { .string($0) }))) }
            return .object(members)
        }
        return .okValue(.array(entries))
    }

    /// `<limit>` is 1 to 1000 in decimal digits; absent means 100.
    static func auditLimit(_ text: String?) throws -> Int {
        guard let text else { return 100 }
        let significant = text.utf8.drop { $0 == UInt8(ascii: "0") }
        guard !text.isEmpty, significant.count <= 4, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let limit = Int(text), (1...1000).contains(limit) else {
            throw CommandRefusal.invalid("the AUDIT limit is a whole number from 1 to 1000")
        }
        return limit
    }

    /// What the audit record of `command` names: the subject and field names it is about,
    /// never a value, a token or a cursor.
    static func auditEvent(for command: Command, by principal: Principal) -> AuditEvent {
        var event = AuditEvent(actor: principal, action: command.action)
        switch command {
        case .tenantCreate(let tenant), .tenantShred(let tenant), .tenantEnroll(let tenant):
            event.tenant = tenant
        case .subjectAdd(let subject), .subjectShred(let subject), .tokenIssue(let subject), .tokenRevoke(let subject),
             .export(let subject):
            event.subject = subject
        case .set(let subject, let pairs):
            event.subject = subject
            event.fields = recordedFieldNames(pairs.map(\.field))
        case .get(let subject, let field), .del(let subject, let field):
            event.subject = subject
            event.fields = [field]
        case .find(let field, _, _):
            event.fields = [field]
        case .requestErasure:
            if case .subject(_, let subject, _) = principal { event.subject = subject }
        case .ping, .hello, .auth, .whoami, .quit, .tenantList, .tenantClaim, .adminRotate, .operatorRotate, .subjectList, .policyGet, .policySet, .keyRotate,
             .masterRotate, .dataRotate, .dataStatus, .requestList, .audit:
            break
        }
        return event
    }

    /// At most this many field names are recorded per command: one line of `maxLineBytes` can
    /// name thousands (a refused `SET` is recorded too), which would make `AUDIT 1000` replies
    /// tens of megabytes.
    static let maximumRecordedFieldNames = 100

    /// The first `maximumRecordedFieldNames` names, then `+N more` (not a field name, so it
    /// cannot be mistaken for one).
    static func recordedFieldNames(_ names: [String]) -> [String] {
        guard names.count > maximumRecordedFieldNames else { return names }
        return Array(names.prefix(maximumRecordedFieldNames)) + ["+\(names.count - maximumRecordedFieldNames) more"]
    }

    /// The audit result of a refused command: its error code; nil for commands that are not
    /// audited (not served yet, answered `UNKNOWN_COMMAND`).
    static func auditResult(for error: any Error) -> String? {
        switch error {
        case let refusal as CommandRefusal:
            return refusal.code == .unknownCommand ? nil : refusal.code.rawValue
        case let error as VaultError:
            switch error {
            case .notFound: return ErrorCode.notFound.rawValue
            case .exists: return ErrorCode.exists.rawValue
            case .invalid: return ErrorCode.invalid.rawValue
            case .keyFile, .storage, .crypto, .corrupt: return ErrorCode.internal.rawValue
            }
        default:
            return ErrorCode.internal.rawValue
        }
    }

    /// Records a refused command (queued), unless its error is one that is not audited.
    func recordRefusal(_ event: AuditEvent, _ error: any Error) {
        if let result = Self.auditResult(for: error) { recordAudit(event, result: result) }
    }

    /// Records an event that changed nothing (queued; a failure is logged by the writer).
    func recordAudit(_ event: AuditEvent, result: String) {
        vault.recordAudit(event, result: result)
    }
}
