import Foundation
import GRDB
import KioskCore

/// The result of `kiosk audit`.
public struct AuditReport: Equatable, Sendable {
    public var events = 0
    public var visits = 0
    public var headHash = HashChain.genesis
    /// The first problem found, in plain words; nil when the log is intact.
    public var problem: String?
    /// The log was sealed with another chain key (another key file): it cannot be checked
    /// here, which is not evidence of an edit. `problem` says so too.
    public var keyDiffers = false
    public var ok: Bool { problem == nil }
}

extension Store {
    /// Checks SQLite's own integrity, every link of the hash chain, and that every visit row
    /// is exactly what its events say: a row edited, deleted, inserted by hand or an event
    /// reordered, edited or removed is reported, with the first bad row.
    public func audit() throws -> AuditReport {
        try read { tx in try Store.audit(tx.db, seal: tx.seal, key: chainKey, invitationUsesChained: true) }
    }

    /// The audit itself. `key`: compare the log's key check first (nil while upgrading an
    /// old log, whose links are plain SHA-256). `invitationUsesChained`: false only for that
    /// old log, whose invitation uses were not chained yet.
    static func audit(_ db: Database, seal: ChainSeal, key: ChainKey?, invitationUsesChained: Bool) throws -> AuditReport {
        var report = AuditReport()
        let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        if integrity != ["ok"] {
            report.problem = "SQLite integrity check: \(integrity.prefix(3).joined(separator: "; "))"
            return report
        }
        /// The stored key check differs but the chain verifies under this key: the check
        /// value itself was edited. Reported after the walk, which may find worse.
        var keyCheckEdited = false
        if let key,
            let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [ChainUpgrade.keyCheckMeta]),
            stored != key.check
        {
            if try Store.newestLinkVerifies(db, key) == true {
                keyCheckEdited = true
            } else {
                report.keyDiffers = true
                report.problem = "the log was sealed with a different key than this key file; it cannot be checked with this key (this is not a sign of an edit)"
                return report
            }
        }

        struct Expected {
            var fixedHash: String
            var status: String
            var checkedOut: Int64?
            var autoClosed: Int64?
            /// From a `confirm` event that carries them (v6); nil before.
            var confirmedAt: Int64?
            var confirmedBy: String?
            var confirmedDecision: String?
            var seq: Int64
            /// When the visit's first event was chained: a purge may erase it only if
            /// that is before the purge's cutoff.
            var firstAt: Int64
        }
        var expected: [String: Expected] = [:]
        /// Codes with erased (NULL) payloads not yet covered by a purge: the first such
        /// event and when the code's first event was.
        var erased: [String: (seq: Int64, firstAt: Int64)] = [:]
        var watch: [Int64: (payload: String, seq: Int64)] = [:]
        var invitations: [String: (payload: String, revoked: Bool, seq: Int64, at: Int64)] = [:]
        /// Invitation uses the chain says exist, as `invitation|visit|at`, with the event.
        var uses: [String: [String: [Int64]]] = [:]
        var prev = HashChain.genesis
        var lastSeq: Int64 = 0
        let events = try Row.fetchCursor(
            db, sql: "SELECT seq, at, kind, code, payload, payload_hash, prev_hash, hash FROM event ORDER BY seq")
        while let row = try events.next() {
            let seq: Int64 = row[0]
            let at: Int64 = row[1]
            let kind: String = row[2]
            let code: String? = row[3]
            let payload: String? = row[4]
            let payloadHash: String = row[5]
            let prevHash: String = row[6]
            let hash: String = row[7]
            report.events += 1
            if seq != lastSeq + 1 {
                report.problem = "event #\(seq): expected #\(lastSeq + 1) next; events were deleted or renumbered"
                return report
            }
            if prevHash != prev {
                report.problem = "event #\(seq) (\(kind) \(code ?? "")): does not follow event #\(lastSeq); the chain was edited or reordered"
                return report
            }
            let recomputed = seal.link(seq: seq, at: at, kind: kind, code: code, payloadHash: payloadHash, prev: prevHash)
            if recomputed != hash {
                report.problem = "event #\(seq) (\(kind) \(code ?? "")): its hash does not match its contents; the event was edited"
                return report
            }
            if let payload, HashChain.sha256Hex(payload) != payloadHash {
                report.problem = "event #\(seq) (\(kind) \(code ?? "")): its payload was edited"
                return report
            }
            prev = hash
            lastSeq = seq
            guard let payload else {
                // A purge erases only the payloads of the codes it names, and only events
                // chained before it; every other erasure hides a deletion.
                guard let code else {
                    report.problem = "event #\(seq) (\(kind)): its contents were erased; a purge never erases an event without a code"
                    return report
                }
                if erased[code] == nil {
                    let firstAt = expected[code]?.firstAt ?? invitations[code]?.at ?? at
                    erased[code] = (seq, firstAt)
                }
                // An erased check-in still opens its visit: a later `erase` event gives the
                // hash of what the row keeps (a purge removes the visit instead), and the
                // exit events that follow still say how it ended.
                if kind == HashChain.Kind.checkin.rawValue {
                    expected[code] = Expected(fixedHash: "", status: "", seq: seq, firstAt: erased[code]?.firstAt ?? at)
                }
                continue
            }
            if kind == HashChain.Kind.chainKeyed.rawValue,
                let obj = CanonicalJSON.decode(payload) as? [String: Any], let problem = obj["legacy_problem"] as? String
            {
                report.problem = "before the chain was keyed (event #\(seq)), the old log was already broken: \(problem)"
                return report
            }
            if kind == HashChain.Kind.watchAdd.rawValue,
                let obj = CanonicalJSON.decode(payload) as? [String: Any], let id = (obj["id"] as? NSNumber)?.int64Value
            {
                watch[id] = (payload, seq)
                continue
            }
            if kind == HashChain.Kind.watchRemove.rawValue,
                let obj = CanonicalJSON.decode(payload) as? [String: Any], let id = (obj["id"] as? NSNumber)?.int64Value
            {
                watch[id] = nil
                continue
            }
            guard let code else {
                if kind == HashChain.Kind.erase.rawValue,
                    let obj = CanonicalJSON.decode(payload) as? [String: Any], let codes = obj["codes"] as? [String],
                    let fixed = obj["fixed"] as? [String], let states = obj["state"] as? [String],
                    fixed.count == codes.count, states.count == codes.count
                {
                    // One person's erasure: the named visits keep their rows, now with these hashes.
                    // Its invitations are gone with their uses, as a purge removes them.
                    for id in obj["invitations"] as? [String] ?? [] {
                        erased[id] = nil
                        invitations[id] = nil
                        uses[id] = nil
                    }
                    for (i, c) in codes.enumerated() {
                        erased[c] = nil
                        guard var e = expected[c], let s = CanonicalJSON.decode(states[i]) as? [String: Any] else { continue }
                        // The erasure was made on an audited log; its record of how each
                        // visit ended replaces the confirm events it erased.
                        e.fixedHash = fixed[i]
                        e.status = s["status"] as? String ?? ""
                        e.checkedOut = (s["checked_out_at"] as? NSNumber)?.int64Value
                        e.autoClosed = (s["auto_closed_at"] as? NSNumber)?.int64Value
                        e.confirmedAt = (s["confirmed_at"] as? NSNumber)?.int64Value
                        e.confirmedBy = s["confirmed_by"] as? String
                        e.confirmedDecision = s["confirmed_decision"] as? String
                        expected[c] = e
                    }
                    continue
                }
                if kind == HashChain.Kind.purge.rawValue,
                    let obj = CanonicalJSON.decode(payload) as? [String: Any], let codes = obj["codes"] as? [String]
                {
                    let cutoff = (obj["cutoff"] as? NSNumber)?.int64Value ?? .min
                    for c in codes {
                        if let e = erased[c], e.firstAt < cutoff { erased[c] = nil }
                        expected[c] = nil
                        invitations[c] = nil
                        uses[c] = nil
                    }
                }
                continue
            }
            switch kind {
            case HashChain.Kind.inviteIssue.rawValue:
                invitations[code] = (payload, false, seq, at)
            case HashChain.Kind.inviteRevoke.rawValue:
                invitations[code]?.revoked = true
            case HashChain.Kind.inviteUse.rawValue:
                guard let obj = CanonicalJSON.decode(payload) as? [String: Any], let visit = obj["visit"] as? String,
                    let when = (obj["at"] as? NSNumber)?.int64Value
                else { continue }
                uses[code, default: [:]]["\(visit)|\(when)", default: []].append(seq)
            case HashChain.Kind.checkin.rawValue:
                guard let obj = CanonicalJSON.decode(payload) as? [String: Any] else { continue }
                let decision = obj["decision"] as? String ?? ""
                expected[code] = Expected(
                    fixedHash: payloadHash, status: VisitRow.initialStatus(decision: decision).rawValue, seq: seq,
                    firstAt: erased[code]?.firstAt ?? at)
            case HashChain.Kind.checkout.rawValue, HashChain.Kind.autoClose.rawValue, HashChain.Kind.confirm.rawValue:
                guard let obj = CanonicalJSON.decode(payload) as? [String: Any] else { continue }
                if var e = expected[code] {
                    e.status = obj["status"] as? String ?? e.status
                    if let v = obj["checked_out_at"] as? NSNumber { e.checkedOut = v.int64Value }
                    if let v = obj["auto_closed_at"] as? NSNumber { e.autoClosed = v.int64Value }
                    if kind == HashChain.Kind.confirm.rawValue, let v = obj["confirmed_at"] as? NSNumber {
                        e.confirmedAt = v.int64Value
                        e.confirmedBy = obj["confirmed_by"] as? String
                        e.confirmedDecision = obj["decision"] as? String
                    }
                    expected[code] = e
                }
            default:
                continue
            }
        }
        report.headHash = prev
        if let (code, e) = erased.min(by: { $0.value.seq < $1.value.seq }) {
            report.problem = "event #\(e.seq) (\(code)): its contents were erased outside a purge (no later purge names it with a cutoff after its first event)"
            return report
        }
        let idIndex = VisitRow.allColumns.count
        let rows = try Row.fetchCursor(db, sql: "SELECT \(VisitRow.selectList), id FROM visit ORDER BY id")
        var seen = 0
        while let row = try rows.next() {
            report.visits += 1
            let id: Int64 = row[idIndex]
            let code: String = row[0] ?? ""
            guard let exp = expected[code] else {
                report.problem = "visit row \(id) (code \(code)): has no check-in event; it was added outside the kiosk"
                return report
            }
            let fixed = VisitRow.canonicalFixed(VisitRow.fixedValues(row: row))
            if HashChain.sha256Hex(fixed) != exp.fixedHash {
                let column = firstDifferingColumn(db, code: code, rowValues: VisitRow.fixedValues(row: row), seq: exp.seq)
                report.problem = "visit row \(id) (code \(code)): \(column) differs from its check-in event #\(exp.seq); the row was edited"
                return report
            }
            let status: String = row[28] ?? ""
            let out: Int64? = row[29]
            let auto: Int64? = row[30]
            if status != exp.status || out != exp.checkedOut || auto != exp.autoClosed {
                report.problem = "visit row \(id) (code \(code)): status or exit time differs from its events; the row was edited"
                return report
            }
            let confirmedAt: Int64? = row[31], confirmedBy: String? = row[32], confirmedDecision: String? = row[33]
            if confirmedAt != exp.confirmedAt || confirmedBy != exp.confirmedBy || confirmedDecision != exp.confirmedDecision {
                report.problem = "visit row \(id) (code \(code)): its confirmation differs from its confirm event; the row was edited"
                return report
            }
            seen += 1
        }
        if seen != expected.count {
            let present = Set(try String.fetchAll(db, sql: "SELECT code FROM visit"))
            if let missing = expected.filter({ !present.contains($0.key) }).min(by: { $0.value.seq < $1.value.seq }) {
                report.problem = "visit \(missing.key) (check-in event #\(missing.value.seq)): its row was deleted"
                return report
            }
        }
        if let problem = try auditWatchList(db, expected: watch) ?? auditInvitations(db, expected: invitations) {
            report.problem = problem
        } else if invitationUsesChained, let problem = try auditInvitationUses(db, expected: uses) {
            report.problem = problem
        }
        if keyCheckEdited, report.problem == nil {
            report.problem = "the chain key check in the meta table was edited (every link verifies with this key file)"
        }
        return report
    }

    /// Every row of `invitation_use` must be an `invite-use` event and every such event a
    /// row: a deleted use would let a used-up invitation admit again.
    private static func auditInvitationUses(_ db: Database, expected: [String: [String: [Int64]]]) throws -> String? {
        var left = expected
        let rows = try Row.fetchCursor(db, sql: "SELECT id, invitation, visit_code, at FROM invitation_use ORDER BY id")
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let invitation: String = row[1]
            let visit: String = row[2]
            let at: Int64 = row[3]
            let key = "\(visit)|\(at)"
            guard var seqs = left[invitation]?[key], !seqs.isEmpty else {
                return "use \(id) of invitation \(invitation.prefix(8)) (visit \(visit)): has no event; it was added outside the kiosk"
            }
            seqs.removeFirst()
            left[invitation]?[key] = seqs
        }
        let missing = left.flatMap { inv, byUse in byUse.flatMap { use, seqs in seqs.map { (inv, use, $0) } } }
        if let (inv, use, seq) = missing.min(by: { $0.2 < $1.2 }) {
            let visit = use.split(separator: "|").first.map(String.init) ?? "?"
            return "use of invitation \(inv.prefix(8)) by visit \(visit) (event #\(seq)): its row was deleted; the invitation could admit again"
        }
        return nil
    }

    /// The watch list must be exactly what its add/remove events leave: an entry quietly
    /// deleted or turned from deny to alert is tampering like any other.
    private static func auditWatchList(_ db: Database, expected: [Int64: (payload: String, seq: Int64)]) throws -> String? {
        var seen = Set<Int64>()
        for entry in try WatchEntry.fetch(db, sql: "SELECT id, name_folded, id_hash, phone, action, note, created_at FROM watch ORDER BY id") {
            seen.insert(entry.id)
            guard let exp = expected[entry.id] else {
                return "watch-list entry \(entry.id): has no event; it was added outside the kiosk"
            }
            if entry.canonical != exp.payload {
                return "watch-list entry \(entry.id): differs from its event #\(exp.seq); it was edited"
            }
        }
        if let missing = expected.filter({ !seen.contains($0.key) }).min(by: { $0.value.seq < $1.value.seq }) {
            return "watch-list entry \(missing.key) (event #\(missing.value.seq)): it was deleted outside the kiosk"
        }
        return nil
    }

    private static func auditInvitations(_ db: Database, expected: [String: (payload: String, revoked: Bool, seq: Int64, at: Int64)]) throws -> String? {
        var seen = Set<String>()
        let rows = try Row.fetchAll(db, sql: "SELECT \(InvitationRecord.columns) FROM invitation ORDER BY issued_at").map(InvitationRecord.from)
        for inv in rows {
            seen.insert(inv.id)
            guard let exp = expected[inv.id] else { return "invitation \(inv.id.prefix(8)): has no event; it was added outside the kiosk" }
            if inv.canonical != exp.payload { return "invitation \(inv.id.prefix(8)): differs from its event #\(exp.seq); it was edited" }
            if (inv.revokedAt != nil) != exp.revoked { return "invitation \(inv.id.prefix(8)): its revocation differs from the events" }
        }
        if let missing = expected.filter({ !seen.contains($0.key) }).min(by: { $0.value.seq < $1.value.seq }) {
            return "invitation \(missing.key.prefix(8)) (event #\(missing.value.seq)): it was deleted outside the kiosk"
        }
        return nil
    }

    private static func firstDifferingColumn(_ db: Database, code: String, rowValues: [DatabaseValue], seq: Int64) -> String {
        guard let payload = try? String.fetchOne(db, sql: "SELECT payload FROM event WHERE seq = ?", arguments: [seq]),
            let original = CanonicalJSON.decode(payload) as? [String: Any],
            let current = CanonicalJSON.decode(VisitRow.canonicalFixed(rowValues)) as? [String: Any]
        else { return "a column" }
        for name in VisitRow.fixedColumns {
            let was = original[name] as? NSObject
            let now = current[name] as? NSObject
            if was != now { return "column \(name)" }
        }
        return "a column"
    }
}
