import CofferServer
import CofferStore

/// `coffer audit verify`: checks the whole audit chain with the master key, directly on the
/// databases (no server needed; safe while one runs).
enum AuditCommand {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let parsed: CommandLineArguments
        do { parsed = try CommandLineArguments(arguments, valued: ["--config"], flags: ["--help"]) } catch {
            return Output.usageError(error.description, help: HelpText.audit)
        }
        if parsed.flags.contains("--help") { Output.out(HelpText.audit); return 0 }
        guard parsed.positional == ["verify"] else {
            return Output.usageError(parsed.positional.isEmpty ? "audit needs a subcommand" : "unknown audit subcommand \(parsed.positional.joined(separator: " "))",
                                     help: HelpText.audit)
        }
        let configuration: ServerConfiguration
        do { configuration = try ServerConfiguration.load(path: parsed.options["--config"]) } catch {
            Output.err("coffer: \(error)")
            return 2
        }
        let verification: AuditVerification
        do {
            verification = try AuditVerifier.verify(configuration: VaultConfiguration(
                dataDirectory: configuration.dataDirectory, masterKeyPath: configuration.masterKeyPath, createMissingMasterKey: false))
        } catch {
            Output.err("coffer: cannot verify the audit trail: \(error)")
            return 2
        }
        let range = verification.lastSeq.map { "records \(verification.firstSeq) to \($0)" } ?? "no records"
        let head = verification.headSeq.map { ", keyring head \($0)" } ?? ""
        if let problem = verification.problem {
            Output.out("audit trail BROKEN: first bad record \(problem.seq): \(problem.reason)")
            Output.out("checked \(verification.records) records before it (\(range)\(head))")
            return 1
        }
        // The newest record's seq and MAC: kept elsewhere, they prove this trail's length and
        // content up to that record against a later rewrite by someone holding the master key.
        var newest = ""
        if let seq = verification.lastSeq, let mac = verification.lastMACHex { newest = "; head: record \(seq), MAC \(mac)" }
        Output.out("audit trail intact: \(verification.records) records verified (\(range)\(head))\(newest)")
        return 0
    }
}
