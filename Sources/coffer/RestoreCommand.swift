import CofferServer
import CofferStore

/// `coffer restore`: puts a backup's databases back into the data directory of a stopped server.
enum RestoreCommand {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let parsed: CommandLineArguments
        do { parsed = try CommandLineArguments(arguments, valued: ["--config", "--from", "--only"], flags: ["--force", "--help"]) } catch {
            return Output.usageError(error.description, help: HelpText.restore)
        }
        if parsed.flags.contains("--help") { Output.out(HelpText.restore); return 0 }
        guard parsed.positional.isEmpty else { return Output.usageError("restore takes no arguments", help: HelpText.restore) }
        guard let source = parsed.options["--from"], !source.isEmpty else {
            return Output.usageError("restore needs --from DIR", help: HelpText.restore)
        }
        let parts: [BackupPart]?
        do { parts = parsed.options["--only"] == nil ? nil : try BackupCommand.onlyParts(parsed.options["--only"]) } catch {
            return Output.usageError(error.description, help: HelpText.restore)
        }
        let configuration: ServerConfiguration
        do { configuration = try ServerConfiguration.load(path: parsed.options["--config"]) } catch {
            Output.err("coffer: \(error)")
            return 2
        }

        let summary: RestoreSummary
        do {
            summary = try BackupRestorer.restore(from: BackupCommand.absolute(source), dataDirectory: configuration.dataDirectory,
                                                 masterKeyPath: configuration.masterKeyPath, parts: parts,
                                                 force: parsed.flags.contains("--force"))
        } catch {
            Output.err("coffer: restore refused: \(error)")
            return 1
        }
        var lines = summary.restored.map {
            "restored \(configuration.dataDirectory)/\($0.fileName) from the backup taken \(summary.manifest.created) (SHA-256 checked)"
        }
        if summary.shreddedTenants > 0 {
            lines.append("\(summary.shreddedTenantSubjects) subjects of \(summary.shreddedTenants) tenant(s) shredded since the backup "
                         + "stay unreadable; the server purges them when it starts")
        }
        if summary.auditRecordsMissing > 0 {
            lines.append("the audit trail lost the \(summary.auditRecordsMissing) record(s) written after the vault backup; "
                         + "coffer audit verify will report that gap: note this restore in your records")
        }
        lines.append("next: coffer verify, then start the server")
        Output.out(lines.joined(separator: "\n"))
        return 0
    }
}
