/// A minimal parser for `--option value` and `--flag` arguments, with positional arguments kept
/// in order. Unknown options are errors, so a typo never silently changes what a command does.
struct CommandLineArguments {
    private(set) var options: [String: String] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positional: [String] = []

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    /// - Parameters:
    ///   - valued: options that take a value (`--config PATH`).
    ///   - flags: options that take none (`--help`).
    init(_ arguments: some Sequence<String>, valued: Set<String>, flags allowedFlags: Set<String>) throws(UsageError) {
        var iterator = arguments.makeIterator()
        var onlyPositional = false
        while let argument = iterator.next() {
            if onlyPositional || !argument.hasPrefix("--") || argument == "-" {
                positional.append(argument)
            } else if argument == "--" {
                onlyPositional = true
            } else if let equals = argument.firstIndex(of: "="), valued.contains(String(argument[..<equals])) {
                options[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
            } else if valued.contains(argument) {
                guard let value = iterator.next() else { throw UsageError(description: "\(argument) needs a value") }
                options[argument] = value
            } else if allowedFlags.contains(argument) {
                flags.insert(argument)
            } else {
                throw UsageError(description: "unknown option \(argument)")
            }
        }
    }

    func integer(_ option: String) throws(UsageError) -> Int? {
        guard let text = options[option] else { return nil }
        guard let value = Int(text) else { throw UsageError(description: "\(option) needs a whole number") }
        return value
    }
}
