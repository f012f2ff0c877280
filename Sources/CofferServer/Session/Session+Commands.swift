import CofferProtocol
import CofferStore

extension Session {
    /// Runs one parsed command for this session's principal; a `SET` or `DEL` only starts (its
    /// reply waits for its group commit, see `Session+Pipeline.swift`).
    ///
    /// Every command of an authenticated session is audited except `PING`, `HELLO`, `WHOAMI` and
    /// `AUDIT`: a change with its record in the same transaction; a read, a rotation or a refusal
    /// with a record queued for the writer's next group commit (see `Vault.recordAudit`).
    func execute(_ command: Command) throws -> Execution {
        switch command {
        case .ping:
            return .done(.okValue(.string("PONG")))
        case .hello:
            return .done(.okValue(.object([("server", .string("coffer")), ("version", .string(version)), ("protocol", .int(2))])))
        case .auth(let token):
            return try authenticate(token: token)
        case .whoami:
            return .done(.okValue(Self.identity(try currentPrincipal())))
        case .quit:
            if let principal = try currentPrincipal() {
                recordAudit(Self.auditEvent(for: command, by: principal), result: AuditEvent.ok)
            }
            return .done(.ok, close: true)
        default:
            break
        }
        guard let principal = try currentPrincipal() else { throw CommandRefusal.authRequired }
        if case .audit(let limit) = command {
            return .done(try auditTrail(limit: limit, as: principal))
        }
        let event = Self.auditEvent(for: command, by: principal)
        do {
            if let write = try startWrite(command, as: principal, audit: event) { return .pending(write, event) }
            return .done(try executeAuthenticated(command, as: principal, audit: event))
        } catch {
            recordRefusal(event, error)
            throw error
        }
    }

    private func executeAuthenticated(_ command: Command, as principal: Principal, audit event: AuditEvent) throws -> Reply {
        switch command {
        case .tenantCreate(let tenant):
            try requireOperator(principal)
            try Identifier.checkTenant(tenant)
            let token = try vault.createTenant(tenant, audit: event)
            return .okValue(.object([("tenant", .string(tenant)), ("enrollment", .string(token))]))

        case .tenantEnroll(let tenant):
            try requireOperator(principal)
            try Identifier.checkTenant(tenant)
            let token = try vault.enrollTenant(tenant, audit: event)
            return .okValue(.object([("tenant", .string(tenant)), ("enrollment", .string(token))]))

        case .tenantClaim:
            guard case .enrollment(let tenant) = principal else {
                throw CommandRefusal.forbidden("only the holder of a tenant's enrollment token may claim it")
            }
            let token = try vault.claimTenant(tenant, audit: event)
            return .okValue(.object([("tenant", .string(tenant.name)), ("token", .string(token))]))

        case .adminRotate:
            let tenant = try requireTenantAdmin(principal)
            let token = try vault.rotateAdminToken(tenant, audit: event)
            return .okValue(.object([("tenant", .string(tenant.name)), ("token", .string(token))]))

        case .operatorRotate:
            try requireOperator(principal)
            let token = try vault.rotateOperatorToken(audit: event)
            return .okValue(.object([("token", .string(token))]))

        case .tenantList:
            try requireOperator(principal)
            let tenants = try vault.listTenants().map { JSONValue.object([("tenant", .string($0.name)), ("subjects", .int($0.subjects))]) }
            vault.recordAudit(event)
            return .okValue(.array(tenants))

        case .tenantShred(let tenant):
            let target: TenantRef
            switch principal {
            case .operator:
                try Identifier.checkTenant(tenant)
                target = TenantRef(tenant)
            case .tenant(let own) where own.name.utf8.elementsEqual(tenant.utf8):
                target = own
            default: throw CommandRefusal.forbidden("only the operator or the tenant itself may shred a tenant")
            }
            try vault.shredTenant(target, audit: event)
            return .okValue(.object([("tenant", .string(tenant)), ("shredded", .bool(true))]))

        case .subjectAdd(let subject):
            let tenant = try requireTenantAdmin(principal)
            try Identifier.checkSubject(subject)
            try vault.addSubject(subject, tenant: tenant, audit: event)
            return .ok

        case .subjectList(let cursor):
            let tenant = try requireTenantAdmin(principal)
            let page = try vault.listSubjects(tenant: tenant, cursor: cursor)
            vault.recordAudit(event)
            return .okValue(Self.listingPage(page))

        case .subjectShred(let subject):
            let tenant = try requireTenantAdmin(principal)
            try Identifier.checkSubject(subject)
            try vault.shredSubject(subject, tenant: tenant, audit: event)
            return .okValue(.object([("subject", .string(subject)), ("shredded", .bool(true))]))

        case .get(let subject, let field):
            let access = try requireAccess(principal, to: subject, editing: false)
            try Identifier.checkSubject(subject)
            try Identifier.checkField(field)
            let value = try vault.get(subject: subject, field: field, tenant: access.tenant)
            vault.recordAudit(event)
            return .okValue(.string(value))

        case .export(let subject):
            let access = try requireAccess(principal, to: subject, editing: false)
            try Identifier.checkSubject(subject)
            let fields = try vault.export(subject: subject, tenant: access.tenant)
            vault.recordAudit(event)
            return .okValue(.object([("tenant", .string(access.tenant.name)), ("subject", .string(subject)),
                                     ("fields", .object(fields.map { ($0.field, .string($0.value)) }))]))

        case .tokenIssue(let subject):
            let tenant = try requireTenantAdmin(principal)
            try Identifier.checkSubject(subject)
            let token = try vault.issueToken(subject: subject, tenant: tenant, audit: event)
            return .okValue(.object([("subject", .string(subject)), ("token", .string(token))]))

        case .tokenRevoke(let subject):
            let tenant = try requireTenantAdmin(principal)
            try Identifier.checkSubject(subject)
            try vault.revokeToken(subject: subject, tenant: tenant, audit: event)
            return .ok

        case .policyGet:
            let tenant = try requireTenantAdmin(principal)
            let enabled = try vault.subjectSelfEdit(tenant: tenant)
            vault.recordAudit(event)
            return .okValue(.object([("subject_self_edit", .bool(enabled))]))

        case .policySet(let name, let value):
            let tenant = try requireTenantAdmin(principal)
            guard name == "subject_self_edit" else { throw CommandRefusal.invalid("unknown policy; the only policy is subject_self_edit") }
            guard value == "on" || value == "off" else { throw CommandRefusal.invalid("policy values are on or off") }
            try vault.setSubjectSelfEdit(tenant: tenant, enabled: value == "on", audit: event)
            return .ok

        case .keyRotate:
            let tenant = try requireTenantAdmin(principal)
            let version = try vault.rotateTenantKey(tenant)
            vault.recordAudit(event)
            return .okValue(.object([("version", .int(Int(version)))]))

        case .masterRotate:
            try requireOperator(principal)
            let version = try vault.rotateMasterKey()
            vault.recordAudit(event)
            return .okValue(.object([("version", .int(Int(version)))]))

        case .dataRotate:
            switch principal {
            case .operator:
                let tenants = try vault.startReencryption(tenant: nil)
                vault.recordAudit(event)
                return .okValue(.object([("tenants", .int(tenants)), ("state", .string("running"))]))
            case .tenant(let tenant):
                _ = try vault.startReencryption(tenant: tenant)
                vault.recordAudit(event)
                return .okValue(.object([("tenant", .string(tenant.name)), ("state", .string("running"))]))
            case .subject, .enrollment:
                throw CommandRefusal.forbidden("only the operator or a tenant administrator may rotate data keys")
            }

        case .dataStatus:
            let status: ReencryptionStatus
            switch principal {
            case .operator: status = try vault.reencryptionStatus(tenant: nil)
            case .tenant(let tenant): status = try vault.reencryptionStatus(tenant: tenant)
            case .subject, .enrollment: throw CommandRefusal.forbidden("only the operator or a tenant administrator may see rotation progress")
            }
            vault.recordAudit(event)
            return .okValue(.object([("state", .string(status.state.rawValue)), ("done", .int(status.done)), ("total", .int(status.total))]))

        case .find(let field, let value, let cursor):
            let tenant = try requireTenantAdmin(principal)
            try Identifier.checkField(field)
            let page = try vault.find(field: field, value: value, tenant: tenant, cursor: cursor)
            vault.recordAudit(event)
            return .okValue(Self.listingPage(page))

        case .requestErasure:
            guard case .subject(let tenant, let subject, _) = principal else {
                throw CommandRefusal.forbidden("only a data subject may request its own erasure")
            }
            try requireSameSubjectRow()
            try vault.requestErasure(subject: subject, tenant: tenant, audit: event)
            return .okValue(.object([("subject", .string(subject)), ("request", .string("erasure"))]))

        case .requestList:
            let tenant = try requireTenantAdmin(principal)
            let requests = try vault.erasureRequests(tenant: tenant)
            vault.recordAudit(event)
            return .okValue(.array(requests.map { request in
                .object([("subject", .string(request.subject)), ("request", .string("erasure")), ("time", .string(request.time))])
            }))

        case .ping, .hello, .auth, .whoami, .quit, .audit, .set, .del:
            throw CommandRefusal.notImplemented  // answered by `execute` and `startWrite`
        }
    }

    /// `SET` and `DEL`: checked here, then handed to the writer without waiting, so that the
    /// writes a connection pipelines share one group commit. Nil for every other command.
    private func startWrite(_ command: Command, as principal: Principal, audit event: AuditEvent) throws -> PendingWrite? {
        switch command {
        case .set(let subject, let pairs):
            let access = try requireAccess(principal, to: subject, editing: true)
            try Identifier.checkSubject(subject)
            for pair in pairs { try Identifier.checkField(pair.field) }
            let values = pairs.map { CofferStore.FieldValue(field: $0.field, value: $0.value) }
            return vault.startSet(subject: subject, pairs: values, tenant: access.tenant, createSubject: access.isTenantAdmin, audit: event)
        case .del(let subject, let field):
            let access = try requireAccess(principal, to: subject, editing: true)
            try Identifier.checkSubject(subject)
            try Identifier.checkField(field)
            return vault.startDelete(subject: subject, field: field, tenant: access.tenant, audit: event)
        default:
            return nil
        }
    }

    /// `{"subjects":[…],"next":<cursor or null>}`, the reply of `SUBJECT LIST` and `FIND`.
    private static func listingPage(_ page: SubjectPage) -> JSONValue {
        .object([("subjects", .array(page.subjects.map { .string($0) })), ("next", page.next.map { .string($0) } ?? .null)])
    }

    // MARK: Roles

    private func requireOperator(_ principal: Principal) throws {
        guard principal == .operator else { throw CommandRefusal.forbidden("only the operator may do this") }
    }

    /// The tenant whose administrator this session is.
    private func requireTenantAdmin(_ principal: Principal) throws -> TenantRef {
        guard case .tenant(let tenant) = principal else { throw CommandRefusal.forbidden("only a tenant administrator may do this") }
        return tenant
    }

    /// Data access: a tenant administrator to any subject of its tenant; a subject to itself
    /// only, and to change its fields only while the tenant allows `subject_self_edit`.
    private func requireAccess(_ principal: Principal, to subject: String, editing: Bool) throws -> (tenant: TenantRef, isTenantAdmin: Bool) {
        switch principal {
        case .operator:
            throw CommandRefusal.forbidden("the operator cannot read or write personal data")
        case .enrollment:
            throw CommandRefusal.forbidden("an enrollment token can only claim its tenant (TENANT CLAIM)")
        case .tenant(let tenant):
            return (tenant, true)
        case .subject(let tenant, let me, _):
            guard me.utf8.elementsEqual(subject.utf8) else { throw CommandRefusal.forbidden("a subject may only access its own data") }
            try requireSameSubjectRow()
            if try editing && !vault.subjectSelfEdit(tenant: tenant) {
                throw CommandRefusal.forbidden("the tenant's policy does not let subjects edit their own data")
            }
            return (tenant, false)
        }
    }
}
