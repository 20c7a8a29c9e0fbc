import Foundation
import Records

/// The databases this key file has sealed, kept beside the key (`<key_file>.sealed`, 0600):
/// one absolute path a line. A log from before keyed links is sealed on its first open; a
/// log that this register names must never need that again. Kept with the key rather than in
/// the database, because whoever rewrites the database without the key can also strip any
/// mark inside it (issue 21 review: a stripped seal was re-sealed, laundering the edit).
struct SealRegister {
    let path: String

    init(keyFile: String) { path = keyFile + ".sealed" }

    private func paths() -> Set<String> {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return Set(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    static func absolute(_ database: String) -> String {
        URL(fileURLWithPath: database).standardizedFileURL.path
    }

    func contains(_ database: String) -> Bool { paths().contains(Self.absolute(database)) }

    /// Records that `database` is sealed under this key; a register that cannot be written
    /// is reported like the key file itself.
    func add(_ database: String) throws {
        var all = paths()
        guard all.insert(Self.absolute(database)).inserted else { return }
        do {
            try SecureFiles.writeAtomically(Array((all.sorted().joined(separator: "\n") + "\n").utf8), to: path)
        } catch {
            throw KeyFileError(path: path, reason: (error as? SecureFiles.Failure)?.reason ?? "\(error)")
        }
    }
}
