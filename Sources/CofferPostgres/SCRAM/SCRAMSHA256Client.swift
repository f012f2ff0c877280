import Foundation
import CofferCrypto

/// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677), without channel binding (`n,,`).
///
/// Three steps: `clientFirstMessage()`, then `clientFinalMessage(serverFirst:)` which derives
/// the keys and the proof, then `verifyServerFinal(_:)`, which checks the server's signature:
/// a server that answers `AuthenticationOk` without a valid signature has not proved that it
/// knows the password, and the exchange fails. The password and every key derived from it
/// (SaltedPassword, ClientKey, StoredKey, ServerKey) stay in `SecureBytes`, wiped on release;
/// only the expected server signature is kept between the steps.
struct SCRAMSHA256Client {
    static let mechanism = "SCRAM-SHA-256"
    /// The fewest PBKDF2 iterations accepted (RFC 7677 section 4: at least 4096).
    static let minimumIterations = 4096
    /// The most accepted: PBKDF2 cannot be interrupted, so a hostile count must not stall the
    /// caller beyond its deadline (one million rounds take about half a second).
    static let maximumIterations = 1_000_000

    private enum State {
        case initial
        case clientFirstSent
        case clientFinalSent(expectedServerSignature: [UInt8])
        case verified
        case failed
    }

    private let password: SecureBytes
    private let clientFirstBare: String
    private let clientNonce: String
    private var state = State.initial

    /// `user` is sent escaped (PostgreSQL ignores it in favour of the startup message's `user`).
    /// `clientNonce` is for known-answer tests only; by default 18 bytes from the OS RNG, in base64.
    init(user: String, password: SecureBytes, clientNonce: String? = nil) throws(PostgresError) {
        self.password = try SCRAMPassword.prepare(password)
        if let clientNonce {
            self.clientNonce = clientNonce
        } else {
            let random: [UInt8]
            do { random = try SecureRandom.bytes(18) } catch { throw .authenticationFailed("the random generator failed") }
            self.clientNonce = Data(random).base64EncodedString()
        }
        let escapedUser = user.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
        clientFirstBare = "n=\(escapedUser),r=\(self.clientNonce)"
    }

    /// The GS2 header: no channel binding, no authorisation identity.
    private static let gs2Header = "n,,"

    /// `client-first-message`.
    mutating func clientFirstMessage() throws(PostgresError) -> [UInt8] {
        guard case .initial = state else { throw misuse() }
        state = .clientFirstSent
        return Array((Self.gs2Header + clientFirstBare).utf8)
    }

    /// Checks `server-first-message` and answers `client-final-message` with the proof.
    mutating func clientFinalMessage(serverFirst: [UInt8]) throws(PostgresError) -> [UInt8] {
        guard case .clientFirstSent = state else { throw misuse() }
        state = .failed
        let context = "server-first-message"
        let attributes = try SCRAMAttributes(parsing: serverFirst, context: context)
        if attributes.pairs.first?.name == UInt8(ascii: "m") { throw .authenticationFailed("the server requires an unsupported extension") }
        let nonce = try attributes.value(at: 0, named: "r", context: context)
        let saltText = try attributes.value(at: 1, named: "s", context: context)
        let iterationText = try attributes.value(at: 2, named: "i", context: context)
        guard nonce.hasPrefix(clientNonce), nonce.utf8.count > clientNonce.utf8.count else {
            throw .authenticationFailed("the server's nonce does not extend the client's")
        }
        guard !nonce.utf8.contains(UInt8(ascii: ",")), nonce.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw .authenticationFailed("the server's nonce holds characters that SCRAM does not allow")
        }
        guard let salt = Data(base64Encoded: saltText), !salt.isEmpty else { throw .authenticationFailed("the salt is not base64") }
        guard let iterations = Int(iterationText), (Self.minimumIterations...Self.maximumIterations).contains(iterations) else {
            throw .authenticationFailed("the iteration count must be between \(Self.minimumIterations) and \(Self.maximumIterations)")
        }

        let channelBinding = Data(Self.gs2Header.utf8).base64EncodedString()
        let withoutProof = "c=\(channelBinding),r=\(nonce)"
        let authMessage = Array("\(clientFirstBare),\(String(decoding: serverFirst, as: UTF8.self)),\(withoutProof)".utf8)
        let proof: [UInt8]
        let serverSignature: [UInt8]
        do {
            let salted = try PBKDF2.sha256(password: password, salt: Array(salt), iterations: iterations, byteCount: SHA256.byteCount)
            let saltedHMAC = try HMACSHA256(keyBytes: salted)
            let clientKey = try saltedHMAC.secureAuthenticate(Array("Client Key".utf8))
            let storedKey = try SHA256.secureDigest(clientKey)
            let clientSignature = try HMACSHA256(keyBytes: storedKey).authenticate(authMessage)
            proof = clientKey.withUnsafeBytes { key in zip(key, clientSignature).map { $0 ^ $1 } }
            let serverKey = try saltedHMAC.secureAuthenticate(Array("Server Key".utf8))
            serverSignature = try HMACSHA256(keyBytes: serverKey).authenticate(authMessage)
        } catch {
            throw .authenticationFailed("key derivation failed: \(error)")
        }
        state = .clientFinalSent(expectedServerSignature: serverSignature)
        return Array("\(withoutProof),p=\(Data(proof).base64EncodedString())".utf8)
    }

    /// Checks `server-final-message`: the server's signature must match, in constant time.
    mutating func verifyServerFinal(_ serverFinal: [UInt8]) throws(PostgresError) {
        guard case .clientFinalSent(let expected) = state else { throw misuse() }
        state = .failed
        let context = "server-final-message"
        let attributes = try SCRAMAttributes(parsing: serverFinal, context: context)
        if let error = attributes.pairs.first, error.name == UInt8(ascii: "e") {
            throw .authenticationFailed("the server reported \(error.value.prefix(64))")
        }
        let signatureText = try attributes.value(at: 0, named: "v", context: context)
        guard let signature = Data(base64Encoded: signatureText), ConstantTime.equals(Array(signature), expected) else {
            throw .authenticationFailed("the server's signature does not match: it does not know the password")
        }
        state = .verified
    }

    /// True once the server's signature has been verified.
    var isVerified: Bool {
        if case .verified = state { return true }
        return false
    }

    private func misuse() -> PostgresError {
        .authenticationFailed("the SCRAM exchange is out of order")
    }
}
