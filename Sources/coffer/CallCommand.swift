import CofferClient

/// `coffer call`: one-shot requests to a running server.
enum CallCommand {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let parsed: CommandLineArguments
        let options: ClientOptions
        do {
            parsed = try CommandLineArguments(arguments, valued: ClientOptions.valued, flags: ["--help"])
            if parsed.flags.contains("--help") { Output.out(HelpText.call); return 0 }
            options = try ClientOptions(parsed)
        } catch {
            return Output.usageError(error.description, help: HelpText.call)
        }
        guard !parsed.positional.isEmpty else { return Output.usageError("call needs at least one request line", help: HelpText.call) }
        do {
            let connection = try options.connect()
            defer { connection.close() }
            var status: Int32 = 0
            for line in parsed.positional {
                let reply = try connection.request(line)
                Output.out(ReplyDisplay.text(reply))
                if !reply.hasPrefix("OK") { status = 1 }
            }
            return status
        } catch {
            Output.err("coffer: \(error)")
            return 2
        }
    }
}
