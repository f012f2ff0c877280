import CofferServer
import CofferStore

/// `coffer verify`: checks that the live databases, or a backup, can be read in full.
enum VerifyCommand {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let parsed: CommandLineArguments
        do { parsed = try CommandLineArguments(arguments, valued: ["--config", "--backup", "--sample"], flags: ["--help"]) } catch {
            return Output.usageError(error.description, help: HelpText.verify)
        }
        if parsed.flags.contains("--help") { Output.out(HelpText.verify); return 0 }
        guard parsed.positional.isEmpty else { return Output.usageError("verify takes no arguments", help: HelpText.verify) }
        let sample: Int
        do { sample = try parsed.integer("--sample") ?? 100 } catch {
            return Output.usageError(error.description, help: HelpText.verify)
        }
        guard sample >= 0 else { return Output.usageError("--sample must be 0 or more", help: HelpText.verify) }
        let configuration: ServerConfiguration
        do { configuration = try ServerConfiguration.load(path: parsed.options["--config"]) } catch {
            Output.err("coffer: \(error)")
            return 2
        }

        let options = VerificationOptions(sampleSize: sample)
        let report: VerificationReport
        if let backup = parsed.options["--backup"] {
            report = VaultVerifier.verify(backup: BackupCommand.absolute(backup), liveDataDirectory: configuration.dataDirectory,
                                          masterKeyPath: configuration.masterKeyPath, options: options)
        } else {
            report = VaultVerifier.verify(dataDirectory: configuration.dataDirectory, masterKeyPath: configuration.masterKeyPath,
                                          options: options)
        }
        var lines = ["verifying \(report.isBackup ? "backup" : "data directory") \(report.target)"]
        lines += report.lines.map { "  " + $0 }
        if report.isHealthy {
            lines.append("all checks passed")
            Output.out(lines.joined(separator: "\n"))
            return 0
        }
        lines.append("\(report.problemCount) problem(s) found" + (report.problemCount > report.problems.count ? "; the first \(report.problems.count):" : ":"))
        lines += report.problems.map { "  " + $0 }
        Output.out(lines.joined(separator: "\n"))
        return 1
    }
}
