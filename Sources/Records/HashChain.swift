import Crypto
import Foundation
import GRDB

/// The tamper-evident chain over every change to the log.
///
/// Each event row is `(seq, at, kind, code, payload, payload_hash, prev_hash, hash)` with
/// `payload_hash = SHA-256(payload)` and
/// `hash = SHA-256(seq \n at \n kind \n code \n payload_hash \n prev_hash)`.
/// Hashing the payload's hash rather than the payload lets a purge erase personal data
/// (payload set to NULL) while every link of the chain stays checkable.
public enum HashChain {
    public static let genesis = String(repeating: "0", count: 64)

    public enum Kind: String, Sendable {
        case checkin, checkout
        case autoClose = "auto-close"
        case export, purge
        case watchAdd = "watch-add"
        case watchRemove = "watch-remove"
        case inviteIssue = "invite-issue"
        case inviteRevoke = "invite-revoke"
        /// A self check-in confirmed by the guard: pending → inside.
        case confirm
        /// A check-in refused without a visit row (capacity, an invitation used up or expired,
        /// a fever under `fever = deny`, a denied pass): counted, with no personal data.
        case refusal
    }

    static func sha256Hex(_ text: String) -> String {
        hex(SHA256.hash(data: Array(text.utf8)))
    }

    public static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let table: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest {
            out.append(table[Int(b >> 4)])
            out.append(table[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func linkHash(seq: Int64, at: Int64, kind: String, code: String?, payloadHash: String, prev: String) -> String {
        sha256Hex("\(seq)\n\(at)\n\(kind)\n\(code ?? "")\n\(payloadHash)\n\(prev)")
    }

    /// Appends one event after the current head. Must run inside the caller's write
    /// transaction so that the head cannot move between reading and appending.
    @discardableResult
    static func append(_ db: Database, kind: Kind, code: String?, payload: String, at: Date) throws -> String {
        let head = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1"))
        let seq: Int64 = (head?[0] as Int64? ?? 0) + 1
        let prev: String = head?[1] ?? genesis
        let atMillis = VisitRow.millis(at)
        let payloadHash = sha256Hex(payload)
        let hash = linkHash(seq: seq, at: atMillis, kind: kind.rawValue, code: code, payloadHash: payloadHash, prev: prev)
        try db.cachedStatement(sql: "INSERT INTO event (seq, at, kind, code, payload, payload_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [seq, atMillis, kind.rawValue, code, payload, payloadHash, prev, hash])
        return hash
    }

    static func head(_ db: Database) throws -> (seq: Int64, hash: String) {
        let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1")
        return (row?[0] ?? 0, row?[1] ?? genesis)
    }
}
