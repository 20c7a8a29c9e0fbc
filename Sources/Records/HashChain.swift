import Crypto
import Foundation
import GRDB

/// The tamper-evident chain over every change to the log.
///
/// Each event row is `(seq, at, kind, code, payload, payload_hash, prev_hash, hash)` with
/// `payload_hash = SHA-256(payload)` and
/// `hash = HMAC-SHA-256(chain key, seq \n at \n kind \n code \n payload_hash \n prev_hash)`.
/// Hashing the payload's hash rather than the payload lets a purge erase personal data
/// (payload set to NULL) while every link of the chain stays checkable. The link is keyed so
/// that someone holding only the database file cannot rebuild the chain after an edit.
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
        /// An entry made with an invitation (code: the invitation's id), so that deleting
        /// `invitation_use` rows to let a single-use invitation admit again is seen.
        case inviteUse = "invite-use"
        /// A self check-in confirmed by the guard: pending → inside.
        case confirm
        /// The upgrade of a log linked with plain SHA-256 to keyed links (see `ChainUpgrade`).
        case chainKeyed = "chain-keyed"
        /// A check-in refused without a visit row (capacity, an invitation used up or expired,
        /// a fever under `fever = deny`, a denied pass): counted, with no personal data.
        case refusal
        /// This gate checked out a visit another gate recorded (the building log): code is the
        /// visit's, payload names the gate it came in by. No local row changes.
        case remoteCheckout = "remote-checkout"
        /// One person's data erased on request (Law 91/2025): names the visits, the hash each
        /// visit's remaining columns now have, the reason and the request's date.
        case erase
        /// An access or erasure request answered: who asked, when, about whom (masked); never
        /// the data handed over.
        case privacy
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

    static func linkText(seq: Int64, at: Int64, kind: String, code: String?, payloadHash: String, prev: String) -> String {
        "\(seq)\n\(at)\n\(kind)\n\(code ?? "")\n\(payloadHash)\n\(prev)"
    }

    /// Appends one event after the current head. Must run inside the caller's write
    /// transaction so that the head cannot move between reading and appending.
    @discardableResult
    static func append(_ db: Database, seal: ChainSeal, kind: Kind, code: String?, payload: String, at: Date) throws -> String {
        try append(db, seal: seal, kind: kind, code: code, payload: payload, atMillis: VisitRow.millis(at))
    }

    @discardableResult
    static func append(_ db: Database, seal: ChainSeal, kind: Kind, code: String?, payload: String, atMillis: Int64) throws -> String {
        let head = try newest(db)
        let seq: Int64 = (head?.seq ?? 0) + 1
        let prev: String = head?.hash ?? genesis
        let payloadHash = sha256Hex(payload)
        let hash = seal.link(seq: seq, at: atMillis, kind: kind.rawValue, code: code, payloadHash: payloadHash, prev: prev)
        try db.cachedStatement(sql: "INSERT INTO event (seq, at, kind, code, payload, payload_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [seq, atMillis, kind.rawValue, code, payload, payloadHash, prev, hash])
        return hash
    }

    static func head(_ db: Database) throws -> (seq: Int64, hash: String) {
        let newest = try newest(db)
        return (newest?.seq ?? 0, newest?.hash ?? genesis)
    }

    /// The newest event's number and hash, nil for an empty chain. Read as one text value:
    /// every check-in asks twice, and a GRDB `Row` builds a column dictionary each time.
    static func newest(_ db: Database) throws -> (seq: Int64, hash: String)? {
        guard let text = try String.fetchOne(db.cachedStatement(sql: "SELECT seq || ' ' || hash FROM event ORDER BY seq DESC LIMIT 1")) else {
            return nil
        }
        let parts = text.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, let seq = Int64(parts[0]) else { return nil }
        return (seq, String(parts[1]))
    }
}

/// The secret the chain's links are made with: derived by the Gate from the building's key
/// file and handed down, so `Records` never reads a key file or the configuration. A copy of
/// the database alone does not carry it, so the chain cannot be rebuilt from the copy.
public struct ChainKey: Sendable {
    let key: SymmetricKey
    /// HMAC with the key already absorbed: each link copies it instead of hashing the padded
    /// key twice again (a few per cent of a check-in's CPU, issue 19).
    private let keyed: HMAC<SHA256>

    public init(_ bytes: [UInt8]) {
        key = SymmetricKey(data: bytes)
        keyed = HMAC<SHA256>(key: key)
    }

    /// The HMAC-SHA256 of `bytes` under this key.
    func mac(_ bytes: [UInt8]) -> HMAC<SHA256>.MAC {
        var h = keyed
        h.update(data: bytes)
        return h.finalize()
    }

    /// A fresh key, for in-memory stores: they vanish with the process, so nothing needs to
    /// verify them later under a known key.
    public static func random() -> ChainKey { ChainKey(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) }

    /// What is wrong with `event` as the successor of `previous` in its gate's chain under this
    /// key, or nil when it is the next link. The building log's server cannot check links (it
    /// never holds the key); every gate that reads another gate's events does.
    public func linkProblem(_ event: ChainEvent, after previous: (seq: Int64, hash: String)) -> String? {
        if event.seq != previous.seq + 1 {
            return "expected #\(previous.seq + 1) next, found #\(event.seq): events are missing or renumbered"
        }
        if event.prevHash != previous.hash { return "does not follow #\(previous.seq): the chain was edited or reordered" }
        let link = ChainSeal.keyed(self).link(
            seq: event.seq, at: event.at, kind: event.kind, code: event.code, payloadHash: event.payloadHash, prev: event.prevHash)
        if link != event.hash { return "its hash does not match its contents under the building's key: the event was edited" }
        if let p = event.payload, HashChain.sha256Hex(p) != event.payloadHash { return "its payload was edited" }
        return nil
    }

    /// A MAC of a fixed text kept in `meta`: tells "opened with another key file" apart from
    /// "edited" without revealing anything about the key.
    public var check: String {
        HashChain.hex(HMAC<SHA256>.authenticationCode(for: Array("kiosk chain key check v1".utf8), using: key))
    }
}

/// How a link hash is made: keyed (every log since the keyed chain), or plain SHA-256 (only
/// to verify a log written before, once, while upgrading it).
enum ChainSeal: Sendable {
    case keyed(ChainKey)
    case legacySHA256

    func link(seq: Int64, at: Int64, kind: String, code: String?, payloadHash: String, prev: String) -> String {
        let text = HashChain.linkText(seq: seq, at: at, kind: kind, code: code, payloadHash: payloadHash, prev: prev)
        switch self {
        case .keyed(let k): return HashChain.hex(k.mac(Array(text.utf8)))
        case .legacySHA256: return HashChain.sha256Hex(text)
        }
    }
}
