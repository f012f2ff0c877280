import CofferClient

/// The directory-like data set of `coffer bench net`: subjects with a phone number, an e-mail
/// address and a postal address, every value 20 to 120 bytes long, and the request lines the
/// benchmark sends about them.
///
/// Values are made from the subject number and a seed, so a value loaded at the start can be
/// looked up again with `FIND` without the client remembering it. They are synthetic and
/// printable ASCII; nothing real is ever sent.
struct NetworkBenchmarkDataSet: Sendable {
    /// The fields every subject gets when the data set is loaded.
    static let loadedFields = ["phone", "email", "address"]
    /// Further fields a `SET` writes when `--fields-per-set` asks for more than three.
    static let extraFields = ["phone.work", "email.work", "address.city", "address.zip", "name.given", "name.family", "note"]
    /// The most fields one `SET` of the benchmark writes.
    static var maximumFieldsPerSet: Int { loadedFields.count + extraFields.count }
    /// Value lengths are drawn from this range, in bytes.
    static let valueLengths = 20...120

    /// Text appended to a value to bring it to its drawn length.
    private static let filler = Array("Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua Ut enim ad minim veniam quis".utf8)

    /// Number of subjects.
    let subjects: Int
    /// Fields written by each `SET` of the measured phase.
    let fieldsPerSet: Int

    /// The identifier of subject `number` (an e-mail-like name, as directories use).
    func subject(_ number: Int) -> String { "u\(number)@bench.example" }

    /// The `SET` that loads subject `number` with every loaded field.
    func loadRequest(subject number: Int) -> String {
        var words = ["SET", subject(number)]
        for field in Self.loadedFields {
            words += [field, value(field: field, subject: number, seed: Self.loadSeed(number, field))]
        }
        return RequestLine.make(words)
    }

    /// A request of kind `operation` about a random subject.
    func request(_ operation: NetworkBenchmarkOperation, using generator: inout NetworkBenchmarkRandom) -> String {
        let number = Int.random(in: 0..<subjects, using: &generator)
        switch operation {
        case .set:
            var words = ["SET", subject(number)]
            let start = Int.random(in: 0..<Self.loadedFields.count, using: &generator)
            for position in 0..<fieldsPerSet {
                let field = position < Self.loadedFields.count
                    ? Self.loadedFields[(start + position) % Self.loadedFields.count]
                    : Self.extraFields[position - Self.loadedFields.count]
                words += [field, value(field: field, subject: number, seed: generator.next())]
            }
            return RequestLine.make(words)
        case .get:
            let field = Self.loadedFields[Int.random(in: 0..<Self.loadedFields.count, using: &generator)]
            return RequestLine.make(["GET", subject(number), field])
        case .export:
            return RequestLine.make(["EXPORT", subject(number)])
        case .find:
            // The e-mail the subject was loaded with: found unless a SET has replaced it since.
            return RequestLine.make(["FIND", "email", value(field: "email", subject: number, seed: Self.loadSeed(number, "email"))])
        }
    }

    /// A synthetic value for `field`, realistic at the start, padded to a length drawn from `seed`.
    func value(field: String, subject number: Int, seed: UInt64) -> String {
        var random = NetworkBenchmarkRandom(seed: seed)
        let length = Int.random(in: Self.valueLengths, using: &random)
        let tag = random.next() % 100_000_000
        var text: String
        switch field {
        case "phone", "phone.work": text = "+49 30 \(tag) ext. \(number % 1000)"
        case "email", "email.work": text = "person.\(number).\(tag % 1000)@mail.example"
        case "address", "address.city": text = "\(tag % 300 + 1) Long Street, \(tag % 90_000 + 10_000) Berlin"
        default: text = "\(field) \(tag)"
        }
        if text.utf8.count < length {
            let offset = Int(random.next() % UInt64(Self.filler.count))
            var padding: [UInt8] = [0x20]
            while text.utf8.count + padding.count < length {
                padding.append(Self.filler[(offset + padding.count) % Self.filler.count])
            }
            text += String(decoding: padding, as: UTF8.self)
        }
        return String(decoding: text.utf8.prefix(length), as: UTF8.self)
    }

    /// The seed of a loaded value: fixed per subject and field, so `FIND` can name it later.
    private static func loadSeed(_ number: Int, _ field: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in field.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash ^ (UInt64(truncatingIfNeeded: number) &* 0x9E37_79B9_7F4A_7C15)
    }
}
