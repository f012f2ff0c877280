import Foundation

/// `manifest.json` of a backup directory: what the backup holds and how to check it.
///
/// It is written last, so a directory without one is an incomplete backup, and a restore
/// refuses it. It names no key: the master key versions listed are read from the envelope
/// headers of the keyring's wrapped keys, so an operator knows which master key file a restore
/// of this keyring needs.
public struct BackupManifest: Sendable, Equatable, Codable {
    /// The file name inside a backup directory.
    public static let fileName = "manifest.json"
    /// The only format this program writes and reads.
    public static let currentFormat = 1

    /// The manifest format version.
    public var format: Int
    /// When the backup was taken, RFC 3339 in UTC (`2025-06-01T03:00:00Z`).
    public var created: String
    /// The version of the `coffer` program that took it.
    public var cofferVersion: String
    /// One entry per database file, in the order they were copied.
    public var files: [Entry]

    /// One database file of the backup.
    public struct Entry: Sendable, Equatable, Codable {
        /// Which database this is.
        public var part: BackupPart
        /// The file name inside the backup directory (always `part.fileName`).
        public var name: String
        /// The size in bytes.
        public var bytes: Int64
        /// The SHA-256 of the file, lower-case hex.
        public var sha256: String
        /// The schema version (`PRAGMA user_version`) of the copy.
        public var userVersion: Int
        /// For the keyring: the master key versions its wrapped keys name, ascending.
        public var masterKeyVersions: [UInt32]?

        /// An entry for `part`, named `part.fileName`.
        public init(part: BackupPart, bytes: Int64, sha256: String, userVersion: Int, masterKeyVersions: [UInt32]?) {
            self.part = part
            self.name = part.fileName
            self.bytes = bytes
            self.sha256 = sha256
            self.userVersion = userVersion
            self.masterKeyVersions = masterKeyVersions
        }
    }

    /// A manifest of the current format.
    public init(created: String, cofferVersion: String, files: [Entry]) {
        self.format = Self.currentFormat
        self.created = created
        self.cofferVersion = cofferVersion
        self.files = files
    }

    /// The entry of `part`, if the backup holds it.
    public func entry(for part: BackupPart) -> Entry? {
        files.first { $0.part == part }
    }

    /// The parts the backup holds.
    public var parts: [BackupPart] { files.map(\.part) }

    /// Reads and checks the manifest of a backup directory.
    public static func read(fromDirectory directory: String) throws(BackupError) -> BackupManifest {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .manifest(path: path, reason: "missing or unreadable (an incomplete backup has none)")
        }
        let manifest: BackupManifest
        do { manifest = try JSONDecoder().decode(BackupManifest.self, from: data) } catch {
            throw .manifest(path: path, reason: "not a valid Coffer backup manifest")
        }
        guard manifest.format == currentFormat else {
            throw .manifest(path: path, reason: "unknown format \(manifest.format) (this program reads \(currentFormat))")
        }
        guard !manifest.files.isEmpty, Set(manifest.parts).count == manifest.files.count else {
            throw .manifest(path: path, reason: "it must list each database at most once, and at least one")
        }
        for entry in manifest.files {
            // The name is checked, never used as a path: a manifest cannot point outside its directory.
            guard entry.name == entry.part.fileName, entry.bytes >= 0, Self.isSHA256Hex(entry.sha256) else {
                throw .manifest(path: path, reason: "malformed entry for \(entry.part.fileName)")
            }
        }
        return manifest
    }

    /// The JSON text: sorted keys, indented, ending in a newline.
    func encoded() throws(BackupError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")] } catch {
            throw .manifest(path: Self.fileName, reason: "cannot be encoded")
        }
    }

    /// RFC 3339 in UTC, whole seconds.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    private static func isSHA256Hex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}
