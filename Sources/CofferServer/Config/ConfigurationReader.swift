import Foundation

/// Walks the parsed JSON of a config file into a `ServerConfiguration`, refusing unknown keys
/// at any depth and values of the wrong type, each by its full key path.
struct ConfigurationReader {
    let baseDirectory: String

    func read(_ root: Any, into configuration: inout ServerConfiguration) throws(ConfigurationError) {
        let top = try object(root, at: "")
        try checkKeys(top, allowed: ["listen", "paths", "tls", "limits", "bootstrap", "audit", "enrollment", "rotation"], at: "")
        if let listen = try top["listen"].map({ (v) throws(ConfigurationError) in try object(v, at: "listen") }) {
            try checkKeys(listen, allowed: ["host", "port"], at: "listen")
            if let v = listen["host"] { configuration.host = try nonEmptyString(v, at: "listen.host") }
            if let v = listen["port"] { configuration.port = try integer(v, at: "listen.port", in: 0...65535) }
        }
        if let paths = try top["paths"].map({ (v) throws(ConfigurationError) in try object(v, at: "paths") }) {
            try checkKeys(paths, allowed: ["data", "keys"], at: "paths")
            if let v = paths["data"] { configuration.dataDirectory = try path(v, at: "paths.data") }
            if let v = paths["keys"] { configuration.keysDirectory = try path(v, at: "paths.keys") }
        }
        if let tls = try top["tls"].map({ (v) throws(ConfigurationError) in try object(v, at: "tls") }) {
            try checkKeys(tls, allowed: ["certificate", "privateKey", "minimumVersion"], at: "tls")
            if let v = tls["certificate"] { configuration.certificatePath = try path(v, at: "tls.certificate") }
            if let v = tls["privateKey"] { configuration.privateKeyPath = try path(v, at: "tls.privateKey") }
            if let v = tls["minimumVersion"] {
                guard let text = v as? String, let version = TLSMinimumVersion(rawValue: text) else {
                    throw .invalidValue(key: "tls.minimumVersion", reason: "must be \"1.2\" or \"1.3\"")
                }
                configuration.minimumTLSVersion = version
            }
        }
        if let limits = try top["limits"].map({ (v) throws(ConfigurationError) in try object(v, at: "limits") }) {
            try checkKeys(limits, allowed: ["maxConnections", "maxLineBytes", "maxLineBytesBeforeAuth", "maxValueBytes", "idleTimeoutSeconds",
                                            "handshakeTimeoutSeconds", "maxConnectionsPerAddress", "maxFailedAuthPerAddressPerMinute",
                                            "maxFieldsPerSubject"], at: "limits")
            if let v = limits["maxConnections"] { configuration.maxConnections = try integer(v, at: "limits.maxConnections", in: 1...100_000) }
            if let v = limits["maxLineBytes"] { configuration.maxLineBytes = try integer(v, at: "limits.maxLineBytes", in: 64...(64 << 20)) }
            if let v = limits["maxLineBytesBeforeAuth"] { configuration.maxLineBytesBeforeAuth = try integer(v, at: "limits.maxLineBytesBeforeAuth", in: 64...(64 << 20)) }
            if let v = limits["maxValueBytes"] { configuration.maxValueBytes = try integer(v, at: "limits.maxValueBytes", in: 0...(16 << 20)) }
            if let v = limits["maxFieldsPerSubject"] { configuration.maxFieldsPerSubject = try integer(v, at: "limits.maxFieldsPerSubject", in: 1...100_000) }
            if let v = limits["idleTimeoutSeconds"] { configuration.idleTimeoutSeconds = try seconds(v, at: "limits.idleTimeoutSeconds") }
            if let v = limits["handshakeTimeoutSeconds"] { configuration.handshakeTimeoutSeconds = try seconds(v, at: "limits.handshakeTimeoutSeconds") }
            if let v = limits["maxConnectionsPerAddress"] { configuration.maxConnectionsPerAddress = try integer(v, at: "limits.maxConnectionsPerAddress", in: 0...100_000) }
            if let v = limits["maxFailedAuthPerAddressPerMinute"] {
                configuration.maxFailedAuthPerAddressPerMinute = try integer(v, at: "limits.maxFailedAuthPerAddressPerMinute", in: 0...1_000_000)
            }
        }
        if let bootstrap = try top["bootstrap"].map({ (v) throws(ConfigurationError) in try object(v, at: "bootstrap") }) {
            try checkKeys(bootstrap, allowed: ["createMissingKeys"], at: "bootstrap")
            if let v = bootstrap["createMissingKeys"] { configuration.createMissingKeys = try boolean(v, at: "bootstrap.createMissingKeys") }
        }
        if let rotation = try top["rotation"].map({ (v) throws(ConfigurationError) in try object(v, at: "rotation") }) {
            try checkKeys(rotation, allowed: ["tenantKeyDays"], at: "rotation")
            if let v = rotation["tenantKeyDays"] { configuration.tenantKeyRotationDays = try integer(v, at: "rotation.tenantKeyDays", in: 0...3650) }
        }
        if let enrollment = try top["enrollment"].map({ (v) throws(ConfigurationError) in try object(v, at: "enrollment") }) {
            try checkKeys(enrollment, allowed: ["tokenLifetimeHours"], at: "enrollment")
            if let v = enrollment["tokenLifetimeHours"] {
                configuration.enrollmentTokenLifetimeHours = try integer(v, at: "enrollment.tokenLifetimeHours", in: 1...8760)
            }
        }
        if let audit = try top["audit"].map({ (v) throws(ConfigurationError) in try object(v, at: "audit") }) {
            try checkKeys(audit, allowed: ["retentionDays", "sourceAddressRetentionDays"], at: "audit")
            if let v = audit["retentionDays"] { configuration.auditRetentionDays = try integer(v, at: "audit.retentionDays", in: 1...36500) }
            if let v = audit["sourceAddressRetentionDays"] {
                configuration.sourceAddressRetentionDays = try integer(v, at: "audit.sourceAddressRetentionDays", in: 0...366)
            }
        }
    }

    private func key(_ parent: String, _ name: String) -> String { parent.isEmpty ? name : parent + "." + name }

    private func object(_ value: Any, at key: String) throws(ConfigurationError) -> [String: Any] {
        guard let object = value as? [String: Any] else { throw .invalidValue(key: key.isEmpty ? "(top level)" : key, reason: "must be a JSON object") }
        return object
    }

    private func checkKeys(_ object: [String: Any], allowed: Set<String>, at parent: String) throws(ConfigurationError) {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) { throw .unknownKey(key(parent, unknown)) }
    }

    private func isBoolean(_ value: Any) -> Bool {
        // JSONSerialization yields NSNumber for both; booleans carry the "c" (char) type code.
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    private func nonEmptyString(_ value: Any, at key: String) throws(ConfigurationError) -> String {
        guard let text = value as? String, !text.isEmpty else { throw .invalidValue(key: key, reason: "must be a non-empty string") }
        return text
    }

    private func path(_ value: Any, at key: String) throws(ConfigurationError) -> String {
        ServerConfiguration.resolve(try nonEmptyString(value, at: key), against: baseDirectory)
    }

    private func integer(_ value: Any, at key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard !(value is String), !isBoolean(value), let number = value as? NSNumber,
              let integer = Int(exactly: number.doubleValue), range.contains(integer) else {
            throw .invalidValue(key: key, reason: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return integer
    }

    private func seconds(_ value: Any, at key: String) throws(ConfigurationError) -> Double {
        guard !(value is String), !isBoolean(value), let number = value as? NSNumber,
              number.doubleValue > 0, number.doubleValue <= 86400 * 7 else {
            throw .invalidValue(key: key, reason: "must be a number of seconds greater than 0")
        }
        return number.doubleValue
    }

    private func boolean(_ value: Any, at key: String) throws(ConfigurationError) -> Bool {
        guard isBoolean(value), let number = value as? NSNumber else { throw .invalidValue(key: key, reason: "must be true or false") }
        return number.boolValue
    }
}
