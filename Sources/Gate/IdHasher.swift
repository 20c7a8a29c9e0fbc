import Crypto
import Foundation
import KioskCore
import Records

/// The keyed hash of an id number: lets the kiosk answer "seen before?" and match the watch
/// list without storing the number. Keyed (HMAC-SHA-256 with a per-building secret) because
/// a plain hash of a 12-digit number is reversed by trying them all.
public struct IdHasher: Sendable {
    let key: SymmetricKey
    /// HMAC with the key already absorbed, copied for each hash (issue 19: preparing the key
    /// on every check-in was a tenth of its CPU).
    private let keyed: HMAC<SHA256>

    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
        keyed = HMAC<SHA256>(key: self.key)
    }

    /// Loads the key file, creating a new random key (0600 in a 0700 folder) on first use —
    /// only when nothing is at the path. A key file that exists but cannot be read (a restore
    /// done as root, wrong permissions) is reported, never replaced: it is the building's only
    /// secret, and a new one would orphan every id hash and the chain's seal.
    public static func loadOrCreate(path: String) throws -> IdHasher {
        var info = stat()
        if lstat(path, &info) == 0 || errno != ENOENT {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                let reason = String(cString: strerror(errno))
                throw KeyFileError(path: path, reason: "it exists but cannot be read (\(reason)); give the kiosk's user read access to it, never delete it")
            }
            defer { try? handle.close() }
            let data = (try? handle.read(upToCount: 33)) ?? Data()
            guard data.count == 32 else {
                throw KeyFileError(path: path, reason: "it holds \(data.count) bytes, not 32; restore it from a backup")
            }
            return IdHasher(key: Array(data))
        }
        do {
            try SecureFiles.makeDirectory((path as NSString).deletingLastPathComponent)
            let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            try SecureFiles.writeAtomically(key, to: path)
            return IdHasher(key: key)
        } catch {
            throw KeyFileError(path: path, reason: (error as? SecureFiles.Failure)?.reason ?? "\(error)")
        }
    }

    /// Loads an existing key file only: for commands that check with the building's key (the
    /// building audit), where a new key would prove nothing.
    public static func load(path: String) throws -> IdHasher {
        guard FileManager.default.fileExists(atPath: path) else {
            throw KeyFileError(path: path, reason: "there is no key file; copy the building's key file here (the one every gate uses)")
        }
        return try loadOrCreate(path: path)
    }

    /// Normalises (no spaces, upper case) before hashing, so `079 203 001 234` and
    /// `079203001234` are the same person.
    /// An id number as the hash sees it: ASCII letters and digits only, upper case, so
    /// `001 099 012 345`, `001.099.012.345` and `001099012345` are one person.
    public static func normalise(_ idNumber: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(idNumber.utf8.count)
        for b in idNumber.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append(b)
            case UInt8(ascii: "a")...UInt8(ascii: "z"): out.append(b - 0x20)
            default: continue
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public func hash(_ idNumber: String) -> String {
        let normal = IdHasher.normalise(idNumber)
        var h = keyed
        h.update(data: Array(normal.utf8))
        return HashChain.hex(h.finalize())
    }
}

public struct KeyFileError: LocalizedKioskError {
    public var path: String
    public var reason: String
    public var key: MessageKey { .keyFileProblem }
    public var args: [String] { [path, reason] }
}

extension IdHasher {
    /// A key for another purpose derived from the same secret (HKDF), so one key file serves
    /// every secret the building needs and is the one thing to back up.
    public func derivedKey(_ purpose: String) -> [UInt8] {
        let k = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array(purpose.utf8), outputByteCount: 32)
        return k.withUnsafeBytes { Array($0) }
    }

    /// The key of the log's hash chain (HMAC links): derived here and handed to `Store`, so
    /// the records module never reads the key file, and a copied database alone cannot be
    /// re-chained after an edit.
    public var chainKey: ChainKey { ChainKey(derivedKey("chain-mac")) }
}
