import CofferClient
import Foundation

/// `coffer rotate master|tenant <t>|data [--tenant <t>]|operator-token|admin-token`: key and
/// token rotation jobs for cron.
///
/// Talks to the running server with a token read from a file, shows progress (a bar on a
/// terminal, plain lines otherwise) and exits 0 only when the job finished.
enum RotateCommand {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let parsed: CommandLineArguments
        let options: ClientOptions
        do {
            parsed = try CommandLineArguments(arguments, valued: ClientOptions.valued.union(["--tenant", "--poll-seconds"]), flags: ["--help"])
            if parsed.flags.contains("--help") { Output.out(HelpText.rotate); return 0 }
            options = try ClientOptions(parsed)
        } catch {
            return Output.usageError(error.description, help: HelpText.rotate)
        }
        guard options.tokenFile != nil else { return Output.usageError("rotate needs --token-file", help: HelpText.rotate) }
        let kind = parsed.positional.first
        let tenant = parsed.positional.count > 1 ? parsed.positional[1] : parsed.options["--tenant"]
        do {
            let connection = try options.connect()
            defer { connection.close() }
            switch kind {
            case "master":
                return try rotateKey(connection, line: "MASTER ROTATE", label: "master key", expectedRole: "operator", tenant: nil)
            case "tenant":
                guard let tenant, parsed.positional.count == 2 else { return Output.usageError("rotate tenant needs the tenant name", help: HelpText.rotate) }
                return try rotateKey(connection, line: "KEY ROTATE", label: "key of tenant \(tenant)", expectedRole: "tenant", tenant: tenant)
            case "data":
                let poll = Double(parsed.options["--poll-seconds"] ?? "") ?? 1
                return try rotateData(connection, tenant: tenant, pollSeconds: poll)
            case "operator-token":
                return try TokenFileRotation(options: options, line: "OPERATOR ROTATE", label: "operator token").run(connection)
            case "admin-token":
                return try TokenFileRotation(options: options, line: "ADMIN ROTATE", label: "tenant administrator token").run(connection)
            default:
                return Output.usageError("rotate needs master, tenant <name>, data, operator-token or admin-token", help: HelpText.rotate)
            }
        } catch {
            Output.err("coffer: \(error)")
            return 2
        }
    }

    private static func rotateKey(_ connection: CofferConnection, line: String, label: String, expectedRole: String, tenant: String?) throws -> Int32 {
        if let tenant {
            // The token file decides which tenant rotates; refuse a mismatch instead of rotating another one.
            let identity = try json(connection.request("WHOAMI"))
            guard identity?["role"] as? String == expectedRole, identity?["tenant"] as? String == tenant else {
                Output.err("coffer: the token file does not belong to the administrator of tenant \(tenant)")
                return 1
            }
        }
        Output.err("rotating the \(label)…")
        let reply = try connection.request(line)
        guard let version = try json(reply)?["version"] as? Int else {
            Output.err("coffer: \(ReplyDisplay.text(reply))")
            return 1
        }
        Output.out("rotated the \(label): now version \(version)")
        return 0
    }

    private static func rotateData(_ connection: CofferConnection, tenant: String?, pollSeconds: Double) throws -> Int32 {
        if let tenant {
            let identity = try json(connection.request("WHOAMI"))
            guard identity?["tenant"] as? String == tenant else {
                Output.err("coffer: the token file does not belong to the administrator of tenant \(tenant)")
                return 1
            }
        }
        let started = try connection.request("DATA ROTATE")
        guard started.hasPrefix("OK") else {
            Output.err("coffer: \(ReplyDisplay.text(started))")
            return 1
        }
        let progress = ProgressReporter(title: "re-encrypting \(tenant.map { "tenant \($0)" } ?? "all tenants")")
        while true {
            let reply = try connection.request("DATA STATUS")
            guard let status = try json(reply), let state = status["state"] as? String,
                  let done = status["done"] as? Int, let total = status["total"] as? Int else {
                progress.finish()
                Output.err("coffer: \(ReplyDisplay.text(reply))")
                return 1
            }
            progress.update(done: done, total: total)
            if state != "running" {
                progress.finish()
                Output.out("re-encryption \(state): \(done) of \(total) subjects")
                return state == "done" || state == "idle" ? 0 : 1
            }
            Thread.sleep(forTimeInterval: pollSeconds)
        }
    }

    private static func json(_ reply: String) throws -> [String: Any]? {
        guard reply.hasPrefix("OK ") else { return nil }
        return try JSONSerialization.jsonObject(with: Data(reply.dropFirst(3).utf8)) as? [String: Any]
    }
}
