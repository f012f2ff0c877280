import Foundation

/// A parsed JSON value that keeps what the contract cares about and `Any` blurs: booleans are
/// not numbers, integers are not doubles, and strings compare by their UTF-8 bytes (Swift's
/// `String ==` would treat canonically equivalent strings as equal; the contract does not).
enum E2EJSON: Equatable, CustomStringConvertible, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
              ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([E2EJSON])
    case object([String: E2EJSON])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: E2EJSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, E2EJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { first, _ in first }))
    }

    static func == (lhs: E2EJSON, rhs: E2EJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in
                b.first { $0.key.utf8.elementsEqual(key.utf8) }?.value == value
            }
        default: return false
        }
    }

    /// Parses the JSON text of an `OK <json>` reply; throws for anything else.
    static func parse(okReply reply: String) throws -> E2EJSON {
        guard reply.hasPrefix("OK ") else { throw E2EFailure("not an OK reply with a value: \(E2EClient.redacted(reply))") }
        return try parse(text: String(reply.dropFirst(3)))
    }

    /// Parses one JSON value (RFC 8259, any top-level type).
    static func parse(text: String) throws -> E2EJSON {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw E2EFailure("the reply value is not valid JSON")
        }
        return try convert(object)
    }

    private static func convert(_ value: Any) throws -> E2EJSON {
        switch value {
        case is NSNull: return .null
        case let text as String: return .string(text)
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": return .bool(number.boolValue)
            case "d", "f": return .double(number.doubleValue)
            default: return .int(number.intValue)
            }
        case let array as [Any]: return .array(try array.map(convert))
        case let object as [String: Any]: return .object(try object.mapValues(convert))
        default: throw E2EFailure("unexpected JSON value of type \(type(of: value))")
        }
    }

    // MARK: Access

    subscript(key: String) -> E2EJSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var arrayValue: [E2EJSON]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    var objectKeys: Set<String> {
        if case .object(let members) = self { return Set(members.keys) }
        return []
    }

    /// This value with the strings of `key` members (at any depth) replaced by a placeholder,
    /// so a reply carrying a token can be shown in a failure message.
    func redacting(_ key: String) -> E2EJSON {
        switch self {
        case .array(let elements): return .array(elements.map { $0.redacting(key) })
        case .object(let members):
            return .object(Dictionary(uniqueKeysWithValues: members.map { name, value in
                (name, name == key ? .string("<redacted>") : value.redacting(key))
            }))
        default: return self
        }
    }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let text): return "\"" + text.unicodeScalars.map { $0.isASCII ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined() + "\""
        case .array(let elements): return "[" + elements.map(\.description).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        }
    }
}
