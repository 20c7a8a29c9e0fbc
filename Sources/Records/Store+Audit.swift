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
    public var ok: Bool { problem == nil }
}

extension Store {
    /// Checks SQLite's own integrity, every link of the hash chain, and that every visit row
    /// is exactly what its events say: a row edited, deleted, inserted by hand or an event
    /// reordered, edited or removed is reported, with the first bad row.
    public func audit() throws -> AuditReport {
        try read { tx in
            var report = AuditReport()
            let integrity = try String.fetchAll(tx.db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] {
                report.problem = "SQLite integrity check: \(integrity.prefix(3).joined(separator: "; "))"
                return report
            }
            struct Expected {
                var fixedHash: String
                var status: String
                var checkedOut: Int64?
                var autoClosed: Int64?
                var seq: Int64
            }
            var expected: [String: Expected] = [:]
            var redacted: [String: Int64] = [:]
            var watch: [Int64: (payload: String, seq: Int64)] = [:]
            var invitations: [String: (payload: String, revoked: Bool, seq: Int64)] = [:]
            var purged: Set<String> = []
            var prev = HashChain.genesis
            var lastSeq: Int64 = 0
            let events = try Row.fetchCursor(
                tx.db, sql: "SELECT seq, at, kind, code, payload, payload_hash, prev_hash, hash FROM event ORDER BY seq")
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
                let recomputed = HashChain.linkHash(seq: seq, at: at, kind: kind, code: code, payloadHash: payloadHash, prev: prevHash)
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
                if kind == HashChain.Kind.watchAdd.rawValue, let payload,
                    let obj = CanonicalJSON.decode(payload) as? [String: Any], let id = (obj["id"] as? NSNumber)?.int64Value
                {
                    watch[id] = (payload, seq)
                    continue
                }
                if kind == HashChain.Kind.watchRemove.rawValue, let payload,
                    let obj = CanonicalJSON.decode(payload) as? [String: Any], let id = (obj["id"] as? NSNumber)?.int64Value
                {
                    watch[id] = nil
                    continue
                }
                guard let code else {
                    if kind == HashChain.Kind.purge.rawValue, let payload,
                        let obj = CanonicalJSON.decode(payload) as? [String: Any], let codes = obj["codes"] as? [String]
                    {
                        for c in codes {
                            purged.insert(c)
                            expected[c] = nil
                            invitations[c] = nil
                        }
                    }
                    continue
                }
                if payload == nil {
                    redacted[code] = redacted[code] ?? seq
                    continue
                }
                switch kind {
                case HashChain.Kind.inviteIssue.rawValue:
                    if let payload { invitations[code] = (payload, false, seq) }
                case HashChain.Kind.inviteRevoke.rawValue:
                    invitations[code]?.revoked = true
                case HashChain.Kind.checkin.rawValue:
                    guard let payload, let obj = CanonicalJSON.decode(payload) as? [String: Any] else { continue }
                    let decision = obj["decision"] as? String ?? ""
                    expected[code] = Expected(
                        fixedHash: payloadHash, status: VisitRow.initialStatus(decision: decision).rawValue, seq: seq)
                case HashChain.Kind.checkout.rawValue, HashChain.Kind.autoClose.rawValue, HashChain.Kind.confirm.rawValue:
                    guard let payload, let obj = CanonicalJSON.decode(payload) as? [String: Any] else { continue }
                    if var e = expected[code] {
                        e.status = obj["status"] as? String ?? e.status
                        if let v = obj["checked_out_at"] as? NSNumber { e.checkedOut = v.int64Value }
                        if let v = obj["auto_closed_at"] as? NSNumber { e.autoClosed = v.int64Value }
                        expected[code] = e
                    }
                default:
                    continue
                }
            }
            report.headHash = prev
            for (code, seq) in redacted.sorted(by: { $0.value < $1.value }) where !purged.contains(code) {
                report.problem = "event #\(seq) (\(code)): its contents were erased outside a purge"
                return report
            }
            let idIndex = VisitRow.allColumns.count
            let rows = try Row.fetchCursor(tx.db, sql: "SELECT \(VisitRow.selectList), id FROM visit ORDER BY id")
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
                    let column = firstDifferingColumn(tx.db, code: code, rowValues: VisitRow.fixedValues(row: row), seq: exp.seq)
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
                seen += 1
            }
            if seen != expected.count {
                let present = Set(try String.fetchAll(tx.db, sql: "SELECT code FROM visit"))
                if let missing = expected.filter({ !present.contains($0.key) }).min(by: { $0.value.seq < $1.value.seq }) {
                    report.problem = "visit \(missing.key) (check-in event #\(missing.value.seq)): its row was deleted"
                    return report
                }
            }
            if let problem = try auditWatchList(tx.db, expected: watch) ?? auditInvitations(tx.db, expected: invitations) {
                report.problem = problem
            }
            return report
        }
    }

    /// The watch list must be exactly what its add/remove events leave: an entry quietly
    /// deleted or turned from deny to alert is tampering like any other.
    private func auditWatchList(_ db: Database, expected: [Int64: (payload: String, seq: Int64)]) throws -> String? {
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

    private func auditInvitations(_ db: Database, expected: [String: (payload: String, revoked: Bool, seq: Int64)]) throws -> String? {
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

    private func firstDifferingColumn(_ db: Database, code: String, rowValues: [DatabaseValue], seq: Int64) -> String {
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
