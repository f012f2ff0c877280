import Foundation
import CofferServer
import CofferStore

/// `coffer backup`: a consistent copy of the databases, taken while the server runs.
enum BackupCommand {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let parsed: CommandLineArguments
        do { parsed = try CommandLineArguments(arguments, valued: ["--config", "--to", "--only"], flags: ["--help"]) } catch {
            return Output.usageError(error.description, help: HelpText.backup)
        }
        if parsed.flags.contains("--help") { Output.out(HelpText.backup); return 0 }
        guard parsed.positional.isEmpty else { return Output.usageError("backup takes no arguments", help: HelpText.backup) }
        guard let destination = parsed.options["--to"], !destination.isEmpty else {
            return Output.usageError("backup needs --to DIR", help: HelpText.backup)
        }
        let parts: [BackupPart]
        do { parts = try onlyParts(parsed.options["--only"]) } catch {
            return Output.usageError(error.description, help: HelpText.backup)
        }
        let configuration: ServerConfiguration
        do { configuration = try ServerConfiguration.load(path: parsed.options["--config"]) } catch {
            Output.err("coffer: \(error)")
            return 2
        }

        let manifest: BackupManifest
        do {
            manifest = try BackupCreator.create(dataDirectory: configuration.dataDirectory, destination: absolute(destination),
                                                parts: parts, cofferVersion: CofferService.version)
        } catch {
            Output.err("coffer: backup failed: \(error)")
            return 1
        }
        var lines = ["backup written to \(absolute(destination)) at \(manifest.created)"]
        for entry in manifest.files {
            var line = "  \(entry.name): \(entry.bytes) bytes, schema \(entry.userVersion), sha256 \(entry.sha256)"
            if let versions = entry.masterKeyVersions {
                line += ", needs master key version(s) \(versions.map(String.init).joined(separator: ", "))"
            }
            lines.append(line)
        }
        lines.append("not in the backup: the master key (\(configuration.masterKeyPath)) and the operator token; "
                     + "keep the master key backed up separately, offline")
        Output.out(lines.joined(separator: "\n"))
        return 0
    }

    /// The parts named by `--only vault|keyring`, or both.
    static func onlyParts(_ value: String?) throws(CommandLineArguments.UsageError) -> [BackupPart] {
        guard let value else { return BackupPart.allCases }
        guard let part = BackupPart(rawValue: value) else {
            throw CommandLineArguments.UsageError(description: "--only takes vault or keyring")
        }
        return [part]
    }

    /// `path` resolved against the working directory, for messages and for the engine.
    static func absolute(_ path: String) -> String {
        ServerConfiguration.resolve(path, against: FileManager.default.currentDirectoryPath)
    }
}
