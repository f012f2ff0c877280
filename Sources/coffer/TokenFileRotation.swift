import CofferClient
import CofferCrypto
import CofferServer
import Foundation

/// `coffer rotate operator-token|admin-token`: replaces the token in a token file without a
/// server restart (protocol 2's pending tokens).
///
/// The order makes every interruption safe: the server first makes a new token that is pending
/// (the old one still works); it is written to `<file>.new`; its first `AUTH` retires the old
/// token; only then does `<file>.new` replace the file (a rename in the same directory). Until
/// that `AUTH` the file keeps the working old token; after it, the new token is in one of the
/// two files. The new token is never printed.
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
        let staged = path + ".new"
        var bytes = Array((token + "\n").utf8)
        do {
            try SecretFile.write(SecureBytes(consuming: &bytes), to: staged)
        } catch {
            Output.err("coffer: could not write the new \(label) to \(staged): \(error.description); the old token keeps working")
            return 1
        }
        do {
            let check = try options.connect(tokenFile: staged)  // the first AUTH activates the new token
            check.close()
        } catch {
            Output.err("coffer: the new \(label) in \(staged) was not activated (\(error)); \(path) still holds the working old token")
            return 1
        }
        guard rename(staged, path) == 0 else {
            Output.err("coffer: the new \(label) is active but is in \(staged), not \(path): move it there (the old token no longer works)")
            return 1
        }
        Output.out("rotated the \(label): \(path) holds the new token; the old one no longer works")
        return 0
    }

    /// The error code of an `ERR` reply, never its whole text.
    private static func code(of reply: String) -> String {
        reply.split(separator: " ").dropFirst().first.map(String.init) ?? "no reply"
    }
}
