import Foundation
import GRDB

/// The one-time upgrade of a log written before keyed links (migration v4).
///
/// Such a log's links are plain SHA-256, which anyone holding the file can recompute after an
/// edit. On its first writable open under a chain key the log is:
/// 1. audited as it stands, with the old links (the result is kept, not thrown away: a log
///    that was already broken must still say so after the upgrade);
/// 2. re-sealed: every event's `prev_hash` and `hash` recomputed under the key. Nothing else
///    changes, so the old SHA-256 link of any event can still be recomputed from its row, and
///    the heads quoted in earlier export files stay checkable;
/// 3. closed with a `chain-keyed` event holding the old head, the number of old events and
///    the old audit's problem, if any — sealed under the key, so it cannot be edited later;
/// 4. given an `invite-use` event (marked `migrated`) for every invitation use already in
///    `invitation_use`, which earlier versions did not chain.
/// A new, empty log only records the key check: it is keyed from its first event.
enum ChainUpgrade {
    /// The `meta` key of the chain key's check value.
    static let keyCheckMeta = "chain_key_check"

    /// Refused: the log has events with unkeyed links, and its key has sealed this database
    /// before (see `Store.init`'s `mayReseal`).
    struct SealRemoved: Error {}

    static func run(_ db: Database, key: ChainKey, mayReseal: Bool) throws {
        if !mayReseal, try HashChain.head(db).seq > 0 { throw SealRemoved() }
        try db.execute(
            sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [keyCheckMeta, key.check])
        let old = try HashChain.head(db)
        let seal = ChainSeal.keyed(key)
        if old.seq > 0 {
            let legacy = try Store.audit(db, seal: .legacySHA256, key: nil, invitationUsesChained: false)
            try reseal(db, seal: seal)
            var pairs: [(String, CanonicalJSON.Value)] = [
                ("legacy_head", .string(old.hash)), ("legacy_events", .int(old.seq)),
            ]
            if let problem = legacy.problem { pairs.append(("legacy_problem", .string(problem))) }
            // No clock below the Gate: the upgrade is dated at the log's last event.
            let at = try Int64.fetchOne(db, sql: "SELECT MAX(at) FROM event") ?? 0
            try HashChain.append(db, seal: seal, kind: .chainKeyed, code: nil, payload: CanonicalJSON.object(pairs), atMillis: at)
            let uses = try Row.fetchAll(db, sql: "SELECT invitation, visit_code, at FROM invitation_use ORDER BY id")
            for use in uses {
                let millis: Int64 = use[2]
                try HashChain.append(
                    db, seal: seal, kind: .inviteUse, code: use[0],
                    payload: InvitationUse.canonical(visitCode: use[1], atMillis: millis, migrated: true), atMillis: at)
            }
        }
    }

    /// Recomputes every link under `seal`, in order, a thousand events at a time.
    private static func reseal(_ db: Database, seal: ChainSeal) throws {
        var prev = HashChain.genesis
        var after: Int64 = 0
        let update = try db.makeStatement(sql: "UPDATE event SET prev_hash = ?, hash = ? WHERE seq = ?")
        while true {
            let rows = try Row.fetchAll(
                db, sql: "SELECT seq, at, kind, code, payload_hash FROM event WHERE seq > ? ORDER BY seq LIMIT 1000",
                arguments: [after])
            guard !rows.isEmpty else { return }
            for row in rows {
                let seq: Int64 = row[0]
                let hash = seal.link(seq: seq, at: row[1], kind: row[2], code: row[3], payloadHash: row[4], prev: prev)
                try update.execute(arguments: [prev, hash, seq])
                prev = hash
                after = seq
            }
        }
    }
}
