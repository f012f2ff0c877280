/// The body of an `Authentication*` message (`R`): what the server asks for next.
enum PostgresAuthenticationRequest: Equatable {
    case ok
    case kerberosV5
    case cleartextPassword
    case md5Password
    case scmCredential
    case gss
    case gssContinue
    case sspi
    /// `AuthenticationSASL` with the mechanisms the server accepts, in its order of preference.
    case sasl(mechanisms: [String])
    case saslContinue(data: [UInt8])
    case saslFinal(data: [UInt8])
    case unknown(code: Int32)

    /// The method's name, for `authenticationMethodRefused`.
    var methodName: String {
        switch self {
        case .ok: return "no (trust)"
        case .kerberosV5: return "Kerberos V5"
        case .cleartextPassword: return "cleartext password"
        case .md5Password: return "MD5 password"
        case .scmCredential: return "SCM credential"
        case .gss, .gssContinue: return "GSSAPI"
        case .sspi: return "SSPI"
        case .sasl(let mechanisms): return "SASL (\(mechanisms.joined(separator: ", ")))"
        case .saslContinue, .saslFinal: return "SASL"
        case .unknown(let code): return "unknown (code \(code))"
        }
    }

    static func decode(_ reader: inout PostgresWireReader) throws(PostgresError) -> PostgresAuthenticationRequest {
        let code = try reader.int32()
        switch code {
        case 0: try reader.expectEnd(); return .ok
        case 2: return .kerberosV5
        case 3: return .cleartextPassword
        case 5: return .md5Password
        case 6: return .scmCredential
        case 7: return .gss
        case 8: return .gssContinue
        case 9: return .sspi
        case 10:
            var mechanisms: [String] = []
            while true {
                let name = try reader.cString()
                if name.isEmpty { break }
                mechanisms.append(name)
            }
            try reader.expectEnd()
            return .sasl(mechanisms: mechanisms)
        case 11: return .saslContinue(data: Array(reader.rest()))
        case 12: return .saslFinal(data: Array(reader.rest()))
        default: return .unknown(code: code)
        }
    }
}
