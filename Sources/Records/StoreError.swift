import GRDB
import KioskCore

/// Database failures in words a guard can act on. Every write runs in one transaction, so
/// any of these means nothing was half-written.
public enum StoreError: LocalizedKioskError, Equatable {
    case readOnly(path: String)
    case locked(path: String)
    case corrupt(path: String)
    case cannotOpen(path: String)
    case diskFull(path: String)
    /// The file at `path` is no longer the one this store opened (deleted, or a copy renamed
    /// over it): a commit would land in the unlinked file and be lost.
    case moved(path: String)
    /// The log was sealed with another chain key (another key file): writing would seal
    /// events under the wrong key.
    case wrongKey(path: String)
    /// The log was sealed by this key before, and now has unkeyed links with the seal's
    /// marks removed: rewritten by someone without the key.
    case sealRemoved(path: String)
    case other(path: String, detail: String)

    public var key: MessageKey {
        switch self {
        case .readOnly: return .dbReadOnly
        case .locked: return .dbLocked
        case .corrupt: return .dbCorrupt
        case .cannotOpen: return .dbCannotOpen
        case .diskFull: return .dbFull
        case .moved: return .dbMoved
        case .wrongKey: return .dbWrongKey
        case .sealRemoved: return .dbSealRemoved
        case .other: return .dbFailed
        }
    }

    public var args: [String] {
        switch self {
        case .readOnly(let p), .locked(let p), .corrupt(let p), .cannotOpen(let p), .diskFull(let p), .moved(let p), .wrongKey(let p),
            .sealRemoved(let p):
            return [p]
        case .other(_, let detail):
            return [detail]
        }
    }

    /// Maps SQLite's result codes; anything unexpected keeps SQLite's own words.
    static func from(_ error: any Error, path: String) -> any Error {
        if error is StoreError || error is LocalizedKioskError { return error }
        guard let db = error as? DatabaseError else { return error }
        switch db.resultCode {
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH: return StoreError.readOnly(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return StoreError.locked(path: path)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_FORMAT: return StoreError.corrupt(path: path)
        case .SQLITE_CANTOPEN: return StoreError.cannotOpen(path: path)
        case .SQLITE_FULL: return StoreError.diskFull(path: path)
        case .SQLITE_IOERR:
            // ENOSPC surfaces as an I/O error on write or fsync.
            return StoreError.other(path: path, detail: "I/O: \(db.message ?? "error")")
        default:
            return StoreError.other(path: path, detail: db.message ?? "\(db.resultCode)")
        }
    }
}

/// A check-in or check-out refused by a rule the store enforces inside its transaction.
public struct RuleViolation: LocalizedKioskError, Equatable {
    public var key: MessageKey
    public var args: [String]
    public init(_ key: MessageKey, _ args: [String] = []) {
        self.key = key
        self.args = args
    }
}
