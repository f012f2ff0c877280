#if !FUZZING
import Foundation

/// The plain build's `main`: replays inputs through `LLVMFuzzerTestOneInput`, so corpus files
/// and crash reproducers run without libFuzzer (and `swift build` works on any machine).
///
/// Usage: `COFFER_FUZZ_TARGET=request|config coffer-fuzz [FILE|DIRECTORY …]`; with no
/// argument it replays standard input as one input. In a `-DFUZZING` build this type does
/// not exist and libFuzzer's own `main` takes over.
@main
enum FuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard !arguments.isEmpty else {
            replay(FileHandle.standardInput.readDataToEndOfFile())
            print("replayed 1 input")
            return
        }
        var count = 0
        for argument in arguments {
            for file in files(at: argument) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
                    exit(1)
                }
                replay(data)
                count += 1
            }
        }
        print("replayed \(count) inputs")
    }

    /// `path` itself, or the regular files in it when it is a directory, sorted.
    private static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }
    }

    private static func replay(_ data: Data) {
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            _ = fuzzOneInput(bytes.baseAddress, bytes.count)
        }
    }
}
#endif
