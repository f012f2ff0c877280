import Foundation
import CofferCrypto

/// The server side of SCRAM-SHA-256, for tests: it checks the client's proof the way
/// PostgreSQL does (recover ClientKey from the proof, hash it, compare with StoredKey) and
/// produces the server signature.
struct TestSCRAMServer {
    let password: String
    let salt: [UInt8]
    let iterations: Int
    var serverNonceSuffix = "3rfcNHYJY1ZVvWVs7j"
    private(set) var clientFirstBare = ""
    private(set) var serverFirst = ""

    init(password: String, salt: [UInt8] = Array("a salt of sorts".utf8), iterations: Int = 4096) {
        self.password = password
        self.salt = salt
        self.iterations = iterations
    }

    enum Failure: Error { case malformed(String), wrongProof }

    mutating func serverFirst(for clientFirst: [UInt8]) throws -> String {
        let text = String(decoding: clientFirst, as: UTF8.self)
        guard text.hasPrefix("n,,") else { throw Failure.malformed("GS2 header") }
        clientFirstBare = String(text.dropFirst(3))
        guard let nonce = clientFirstBare.split(separator: ",").first(where: { $0.hasPrefix("r=") })?.dropFirst(2) else {
            throw Failure.malformed("no nonce")
        }
        serverFirst = "r=\(nonce)\(serverNonceSuffix),s=\(Data(salt).base64EncodedString()),i=\(iterations)"
        return serverFirst
    }

    /// Verifies the proof in `clientFinal` and returns `v=<server signature>`.
    func serverFinal(for clientFinal: [UInt8]) throws -> String {
        let text = String(decoding: clientFinal, as: UTF8.self)
        guard let range = text.range(of: ",p=") else { throw Failure.malformed("no proof") }
        let withoutProof = String(text[..<range.lowerBound])
        guard let proof = Data(base64Encoded: String(text[range.upperBound...])) else { throw Failure.malformed("proof") }
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let salted = try PBKDF2.sha256(password: secure(password), salt: salt, iterations: iterations, byteCount: 32)
        let saltedMAC = try HMACSHA256(keyBytes: salted)
        let storedKey = try SHA256.digest(try saltedMAC.authenticate(Array("Client Key".utf8)))
        var storedKeyBytes = storedKey
        let signature = try HMACSHA256(keyBytes: SecureBytes(consuming: &storedKeyBytes)).authenticate(authMessage)
        let recoveredClientKey = zip(Array(proof), signature).map { $0 ^ $1 }
        guard try SHA256.digest(recoveredClientKey) == storedKey else { throw Failure.wrongProof }
        var serverKey = try saltedMAC.authenticate(Array("Server Key".utf8))
        let serverSignature = try HMACSHA256(keyBytes: SecureBytes(consuming: &serverKey)).authenticate(authMessage)
        return "v=\(Data(serverSignature).base64EncodedString())"
    }
}
