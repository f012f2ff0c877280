import CofferServer
import CofferStore
import Dispatch
import Foundation

/// `coffer serve`: runs the server until SIGINT or SIGTERM.
enum ServeCommand {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let parsed: CommandLineArguments
        do { parsed = try CommandLineArguments(arguments, valued: ["--config"], flags: ["--help"]) } catch {
            return Output.usageError(error.description, help: HelpText.serve)
        }
        if parsed.flags.contains("--help") { Output.out(HelpText.serve); return 0 }
        guard parsed.positional.isEmpty else { return Output.usageError("serve takes no arguments", help: HelpText.serve) }
        // Before any key is read: no core file, no ptrace by other processes of this user.
        do { try CoreDumps.disable() } catch {
            Output.err("coffer: \(error)")
            return 1
        }

        let configuration: ServerConfiguration
        do { configuration = try ServerConfiguration.load(path: parsed.options["--config"]) } catch {
            Output.err("coffer: \(error)")
            return 2
        }
        // Signals are handled on a dispatch queue; the default action must not kill us first.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stopRequested = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stopRequested.signal() }
            source.resume()
            return source
        }
        let service: CofferService
        do { service = try CofferService(configuration: configuration) } catch {
            Output.err("coffer: \(error)")
            return 1
        }
        service.start()
        ServiceLog.info("listening on \(configuration.host):\(service.port)")
        stopRequested.wait()
        ServiceLog.info("shutting down: finishing requests in flight")
        service.stop(timeout: 10)
        sources.forEach { $0.cancel() }
        ServiceLog.info("stopped")
        return 0
    }
}
