import Foundation
import CofferServer

// The `coffer` executable: one command per subcommand file, each returning its exit status.
let arguments = CommandLine.arguments.dropFirst()
let status: Int32
// The offline commands load the master key: like `serve`, they never write it into a core file.
if let command = arguments.first, ["backup", "restore", "verify", "audit"].contains(command), !arguments.contains("--help") {
    do { try CoreDumps.disable() } catch {
        Output.err("coffer: \(error)")
        exit(1)
    }
}
switch arguments.first {
case "serve": status = ServeCommand.run(arguments.dropFirst())
case "call": status = CallCommand.run(arguments.dropFirst())
case "shell": status = ShellCommand.run(arguments.dropFirst())
case "bench": status = BenchCommand.run(arguments.dropFirst())
case "rotate": status = RotateCommand.run(arguments.dropFirst())
case "backup": status = BackupCommand.run(arguments.dropFirst())
case "restore": status = RestoreCommand.run(arguments.dropFirst())
case "verify": status = VerifyCommand.run(arguments.dropFirst())
case "audit": status = AuditCommand.run(arguments.dropFirst())
case nil, "--help", "-h", "help":
    Output.out(HelpText.main)
    status = arguments.isEmpty ? 2 : 0
default:
    status = Output.usageError("unknown command \(arguments.first!)", help: HelpText.main)
}
exit(status)
