import CofferClient
import Foundation

/// `coffer shell`: an interactive session, one request per input line.
enum ShellCommand {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let options: ClientOptions
        do {
            let parsed = try CommandLineArguments(arguments, valued: ClientOptions.valued, flags: ["--help"])
            if parsed.flags.contains("--help") { Output.out(HelpText.shell); return 0 }
            guard parsed.positional.isEmpty else { return Output.usageError("shell takes no arguments", help: HelpText.shell) }
            options = try ClientOptions(parsed)
        } catch {
            return Output.usageError(error.description, help: HelpText.shell)
        }
        do {
            let connection = try options.connect()
            defer { connection.close() }
            let interactive = isatty(0) == 1
            if interactive { Output.err("connected to \(options.configuration.host):\(options.configuration.port); type QUIT or Ctrl-D to leave") }
            while true {
                if interactive { FileHandle.standardError.write(Data("coffer> ".utf8)) }
                guard let line = readLine(strippingNewline: true) else { return 0 }
                if line.allSatisfy({ $0 == " " || $0 == "\r" }) { continue }
                let reply = try connection.request(line)
                Output.out(ReplyDisplay.text(reply))
                if line.trimmingCharacters(in: .whitespaces).uppercased() == "QUIT" { return 0 }
                if reply.hasPrefix("ERR TOO_LONG") || reply.hasPrefix("ERR BUSY") { return 1 }
            }
        } catch {
            Output.err("coffer: \(error)")
            return 2
        }
    }
}
