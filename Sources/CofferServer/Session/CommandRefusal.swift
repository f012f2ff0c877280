import CofferProtocol

/// A request refused by the session before it reaches the vault: no authentication, a role that
/// may not do this, an invalid argument, or a command whose issue has not landed yet.
struct CommandRefusal: Error {
    let code: ErrorCode
    let message: String

    static let authRequired = CommandRefusal(code: .authRequired, message: "authenticate first with AUTH <token>")
    static func forbidden(_ message: String) -> CommandRefusal { CommandRefusal(code: .forbidden, message: message) }
    static func invalid(_ message: String) -> CommandRefusal { CommandRefusal(code: .invalid, message: message) }
    static let notImplemented = CommandRefusal(code: .unknownCommand, message: "unknown command")
}
