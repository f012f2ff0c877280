import CofferClient
import CofferCrypto
import CofferServer
import Foundation

/// `coffer rotate operator-token|admin-token`: replaces the token in a token file without a
/// server restart (protocol 2's pending tokens).
///
/// The order makes every interruption safe: the server first makes a new token that is pending
/// (the old one still works), the file is then replaced atomically, and only the first `AUTH`
/// with the new token retires the old one. The new token is never printed.
struct TokenFileRotation {
    let options: ClientOptions
    /// `OPERATOR ROTATE` or `ADMIN ROTATE`.
    let line: String
    let label: String

    /// `connection` is authenticated with the token file's current token.
    func run(_ connection: CofferConnection) throws -> Int32 {
        guard let tokenFile = options.tokenFile else { return 2 }
        let path = ServerConfiguration.resolve(tokenFile, against: ClientOptions.workingDirectory)
        let reply = try connection.request(line)
        guard reply.hasPrefix("OK "),
              let object = try JSONSerialization.jsonObject(with: Data(reply.dropFirst(3).utf8)) as? [String: Any],
              let token = object["token"] as? String, !token.isEmpty else {
            Output.err("coffer: \(line) was refused: \(Self.code(of: reply))")
            return 1
        }
        var bytes = Array((token + "\n").utf8)
        do {
            try SecretFile.write(SecureBytes(consuming: &bytes), to: path)
        } catch {
            Output.err("coffer: could not write the new \(label) to \(path): \(error.description); the old token keeps working")
            return 1
        }
        let check = try options.connect()  // authenticates with the file, that is with the new token
        defer { check.close() }
        Output.out("rotated the \(label): \(path) holds the new token; the old one no longer works")
        return 0
    }

    /// The error code of an `ERR` reply, never its whole text.
    private static func code(of reply: String) -> String {
        reply.split(separator: " ").dropFirst().first.map(String.init) ?? "no reply"
    }
}
