import CofferStore
import Foundation
import Synchronization

/// `coffer bench rotation`: the cost of each kind of key rotation on the vault engine.
///
/// Tenant-key rotation with many subjects and master rotation with many tenants only rewrap
/// keys; data rotation re-encrypts every value and is measured while another thread keeps
/// reading, as in production, with that thread's read rate before and during the job.
enum RotationBenchmark {
    static func run(_ arguments: ArraySlice<String>) -> Int32 {
        let parsed: CommandLineArguments
        let subjects: Int
        let tenants: Int
        do {
            parsed = try CommandLineArguments(arguments, valued: ["--dir", "--subjects", "--tenants"], flags: ["--help"])
            if parsed.flags.contains("--help") { Output.out(HelpText.bench); return 0 }
            subjects = try parsed.integer("--subjects") ?? 100_000
            tenants = try parsed.integer("--tenants") ?? 10_000
        } catch {
            return Output.usageError(error.description, help: HelpText.bench)
        }
        let directory = parsed.options["--dir"] ?? NSTemporaryDirectory() + "coffer-bench-\(UUID().uuidString)"
        defer { if parsed.options["--dir"] == nil { try? FileManager.default.removeItem(atPath: directory) } }
        do {
            try measure(directory: directory, subjects: subjects, tenants: tenants)
            return 0
        } catch {
            Output.err("coffer bench rotation: \(error)")
            return 1
        }
    }

    private static func measure(directory: String, subjects: Int, tenants: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let configuration = VaultConfiguration(dataDirectory: directory + "/data", masterKeyPath: directory + "/master.key")
        let vault = try Vault(configuration: configuration)
        _ = try vault.createTenant("big")
        Output.out("coffer bench rotation — \(subjects) subjects × 2 fields in one tenant, \(tenants) tenants")
        let batch = 100
        for start in stride(from: 0, to: subjects, by: batch) {
            // One subject per SET (each creates a subject and its data key), 100 per transaction
            // would need a bulk API; plain SETs keep the benchmark on the public surface.
            for s in start..<min(start + batch, subjects) {
                try vault.set(subject: "user\(s)@example.com", pairs: [FieldValue(field: "phone", value: "+49 30 \(s)"),
                                                                     FieldValue(field: "email", value: "user\(s)@example.com")],
                              tenant: "big", createSubject: true)
            }
        }
        for t in 1..<tenants { _ = try vault.createTenant("tenant-\(t)") }
        vault.waitForMaintenance()
        sync()

        let tenantRotation = try seconds { _ = try vault.rotateTenantKey("big") }
        let masterRotation = try seconds { _ = try vault.rotateMasterKey() }

        // Read rate of a serving thread alone, then while the data rotation runs.
        let idleReads = try readRate(vault, subjects: subjects, for: 1.0)
        let stop = Atomic(false)
        let readsDuring = Atomic(0)
        let reader = Thread {
            var i = 0
            while !stop.load(ordering: .relaxed) {
                _ = try? vault.get(subject: "user\(i % subjects)@example.com", field: "phone", tenant: "big")
                readsDuring.add(1, ordering: .relaxed)
                i &+= 7919
            }
        }
        reader.start()
        let reencryption = try seconds {
            _ = try vault.startReencryption(tenant: "big")
            vault.waitForMaintenance()
        }
        stop.store(true, ordering: .relaxed)
        let duringReads = Double(readsDuring.load(ordering: .relaxed)) / reencryption

        Output.out("")
        Output.out(pad("KEY ROTATE, \(subjects) subjects") + String(format: "%10.0f ms", tenantRotation * 1000))
        Output.out(pad("MASTER ROTATE, \(tenants) tenants") + String(format: "%10.0f ms", masterRotation * 1000))
        Output.out(pad("DATA ROTATE, \(subjects * 2) fields") + String(format: "%10.0f ms  %8.0f fields/s", reencryption * 1000, Double(subjects * 2) / reencryption))
        Output.out(pad("GET/s of one reader, alone") + String(format: "%10.0f", idleReads))
        Output.out(pad("GET/s of one reader, during DATA ROTATE") + String(format: "%10.0f  (ratio %.2f)", duringReads, duringReads / idleReads))
        vault.close()
    }

    private static func readRate(_ vault: Vault, subjects: Int, for duration: Double) throws -> Double {
        var count = 0
        var i = 0
        let start = DispatchTime.now().uptimeNanoseconds
        while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < duration {
            _ = try vault.get(subject: "user\(i % subjects)@example.com", field: "phone", tenant: "big")
            count += 1
            i &+= 7919
        }
        return Double(count) / duration
    }

    private static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func pad(_ text: String) -> String { text.padding(toLength: 44, withPad: " ", startingAt: 0) }
}
