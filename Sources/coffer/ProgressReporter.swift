import Foundation

/// Progress of a long job on standard error: a redrawn bar on a terminal, a plain line per
/// change otherwise (so cron mails and logs stay readable).
final class ProgressReporter {
    private let title: String
    private let isTerminal = isatty(2) == 1
    private var last: (done: Int, total: Int)?

    init(title: String) { self.title = title }

    func update(done: Int, total: Int) {
        guard last.map({ $0 != (done, total) }) ?? true else { return }
        last = (done, total)
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        if isTerminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r\(title) [\(bar)] \(done)/\(total) \(Int(fraction * 100))%".utf8))
        } else {
            Output.err("\(title): \(done)/\(total) (\(Int(fraction * 100))%)")
        }
    }

    func finish() {
        if isTerminal && last != nil { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
