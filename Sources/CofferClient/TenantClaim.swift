import Foundation

/// Protocol 2 enrollment from the tenant's side: `AUTH` with the enrollment token, `TENANT CLAIM`,
/// then `AUTH` with the administrator token it returned, which activates that token (until its
/// first use it is pending, and the enrollment token still works).
///
/// Used by the benchmarks and tests, and by anyone scripting a tenant's first steps. Errors carry
/// the step and the reply's code, never a token.
public enum TenantClaim {
    /// Claims the tenant on `connection` and returns its administrator token; the connection is
    /// then authenticated as the tenant administrator.
    public static func claim(enrollmentToken: String, on connection: CofferConnection) throws(ClientError) -> String {
        try expectOK(connection.request("AUTH " + enrollmentToken), step: "AUTH with the enrollment token")
        let reply = try connection.request("TENANT CLAIM")
        try expectOK(reply, step: "TENANT CLAIM")
        guard let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8.dropFirst(3))) as? [String: Any],
              let token = object["token"] as? String, !token.isEmpty else {
            throw ClientError(kind: .invalidReply, message: "TENANT CLAIM answered without a token")
        }
        try expectOK(connection.request("AUTH " + token), step: "AUTH with the claimed administrator token")
        return token
    }

    private static func expectOK(_ reply: String, step: String) throws(ClientError) {
        guard reply.hasPrefix("OK") else {
            let code = reply.split(separator: " ").dropFirst().first.map(String.init) ?? "no code"
            throw ClientError(kind: .invalidReply, message: "\(step) was refused (\(code))")
        }
    }
}
