import Foundation
import GRDB
import KioskCore

/// Who a privacy request is about, as the log can match it: the keyed hash of an id number,
/// a phone in its canonical form, or part of a folded name.
public struct PersonQuery: Sendable, Equatable {
    public var idHash: String?
    public var phone: String?
    public var nameFolded: String?
    public init(idHash: String? = nil, phone: String? = nil, nameFolded: String? = nil) {
        self.idHash = idHash
        self.phone = phone
        self.nameFolded = nameFolded
    }
}

/// An access or erasure request as received and answered (Law 91/2025).
public struct PrivacyRequest: Equatable, Sendable {
    public enum Kind: String, Sendable { case access, erasure }
    public var id: Int64
    public var kind: Kind
    /// The person as screens show them (`id ********2345`), never in full.
    public var subject: String
    /// `YYYY-MM-DD`: the day the request reached the building.
    public var receivedDay: String
    public var recordedAt: Date
    public var answeredAt: Date?
    public var by: String
    public var reason: String?
    public var visits: Int
    public var outcome: String
}

/// What the request says besides who it is about.
public struct PrivacyRequestInput: Sendable {
    public var kind: PrivacyRequest.Kind
    public var subject: String
    public var receivedDay: String
    public var by: String
    public var reason: String?
    /// Where an access request's answer was written (listed by a later erasure if it still
    /// holds the person).
    public var file: String?
    public init(kind: PrivacyRequest.Kind, subject: String, receivedDay: String, by: String, reason: String?, file: String? = nil) {
        self.file = file
        self.kind = kind
        self.subject = subject
        self.receivedDay = receivedDay
        self.by = by
        self.reason = reason
    }
}

/// A text a visitor agreed to or was shown, as kept in `consent_text`.
public struct ConsentText: Equatable, Sendable {
    public var sha256: String
    public var version: String
    public var language: String
    public var channel: String
    public var text: String
    public var firstUsedAt: Date
}

/// Figures the processing record shows.
public struct PrivacyStats: Sendable, Equatable {
    public var visits: Int
    public var oldest: Date?
    public var lastPurge: Date?
    /// `basis/channel` (or `unrecorded` for visits from before consent records) → visits.
    public var byBasis: [String: Int]
}

/// What an erasure did.
public struct ErasureOutcome: Sendable, Equatable {
    /// The visits whose personal data is gone.
    public var erased: [String]
    /// Visits of the person left as they are: still inside or waiting for the guard.
    public var open: [String]
    public var invitations: [String]
    public var requestID: Int64
    /// The bytes are still in the file: a reader held the checkpoint; the daily jobs finish it.
    public var wipePending = false
}

extension StoreTransaction {
    /// Keeps the exact text a visit's consent refers to, once per text.
    public func keepConsentText(sha256: String, version: String, language: String, channel: String, text: String, at now: Date) throws {
        try execute(
            "INSERT OR IGNORE INTO consent_text (sha256, version, language, channel, text, first_used_at) VALUES (?, ?, ?, ?, ?, ?)",
            [sha256, version, language, channel, text, VisitRow.millis(now)])
    }

    /// Inserts the request and chains a `privacy` event that says who asked, when and about
    /// whom (masked), not what was handed over.
    func recordRequest(_ r: PrivacyRequestInput, visits: Int, outcome: String, answered: Bool = true, at now: Date) throws -> Int64 {
        try execute(
            "INSERT INTO privacy_request (kind, subject, received_day, recorded_at, answered_at, by, reason, visits, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [r.kind.rawValue, r.subject, r.receivedDay, VisitRow.millis(now), answered ? VisitRow.millis(now) : nil, r.by, r.reason, visits, outcome])
        let id = db.lastInsertedRowID
        var pairs: [(String, CanonicalJSON.Value)] = [
            ("request", .int(id)), ("kind", .string(r.kind.rawValue)), ("subject", .string(r.subject)),
            ("received", .string(r.receivedDay)), ("by", .string(r.by)), ("visits", .int(Int64(visits))), ("outcome", .string(outcome)),
        ]
        if let reason = r.reason { pairs.append(("reason", .string(reason))) }
        if let file = r.file { pairs.append(("file", .string(file))) }
        try append(.privacy, code: nil, payload: CanonicalJSON.object(pairs), at: now)
        return id
    }
}

extension Store {
    /// Columns of a visit that hold personal data; an erasure clears them and keeps the rest
    /// (code, venue, gate, category, method, times, decision, guard, badge, consent record).
    static let personalColumns: Set<String> = [
        "name", "search_text", "id_number", "id_hash", "phone", "organisation", "host", "purpose", "address",
        "temperature", "symptoms", "app", "pass_summary", "override_reason", "watch_match", "reasons",
    ]

    /// Every visit about the person, this gate's and the building replica's, oldest first.
    public func visits(about q: PersonQuery) throws -> [Entry] {
        var clauses: [String] = []
        var args: [DatabaseValueConvertible] = []
        if let h = q.idHash {
            clauses.append("id_hash = ?")
            args.append(h)
        }
        if let p = q.phone {
            clauses.append("phone = ?")
            args.append(p)
        }
        if let n = q.nameFolded, !n.isEmpty {
            clauses.append("search_text LIKE ? ESCAPE '\\'")
            args.append("%" + n.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%")
        }
        guard !clauses.isEmpty else { return [] }
        let condition = clauses.joined(separator: " OR ")
        let found = try read { tx in
            let local = try Row.fetchAll(tx.db, sql: "SELECT \(VisitRow.selectList) FROM visit WHERE \(condition)", arguments: StatementArguments(args)).map(VisitRow.entry)
            let others = try Row.fetchAll(tx.db, sql: "SELECT \(VisitRow.selectList) FROM replica_visit WHERE \(condition)", arguments: StatementArguments(args)).map(VisitRow.entry)
            return local + others
        }
        // The name matched the search text (which holds organisation and host too): keep only
        // visits whose own name contains it.
        return found.filter { e in
            let byKey = (q.idHash != nil && e.idHash == q.idHash) || (q.phone != nil && e.details.phone == q.phone)
            return byKey || (q.nameFolded.map { !$0.isEmpty && TextFolding.fold(e.details.name).contains($0) } ?? false)
        }.sorted { ($0.checkedInAt, $0.gate, $0.code) < ($1.checkedInAt, $1.gate, $1.code) }
    }

    public func consentTexts(_ hashes: Set<String>) throws -> [ConsentText] {
        guard !hashes.isEmpty else { return [] }
        return try read { tx in
            let marks = Array(repeating: "?", count: hashes.count).joined(separator: ",")
            return try Row.fetchAll(tx.db, sql: "SELECT sha256, version, language, channel, text, first_used_at FROM consent_text WHERE sha256 IN (\(marks)) ORDER BY first_used_at",
                                    arguments: StatementArguments(Array(hashes).sorted())).map {
                ConsentText(sha256: $0[0], version: $0[1], language: $0[2], channel: $0[3], text: $0[4], firstUsedAt: VisitRow.date($0[5]))
            }
        }
    }

    /// Every consent text ever kept, oldest first (for the processing record).
    public func allConsentTexts() throws -> [ConsentText] {
        try read { tx in
            try Row.fetchAll(tx.db, sql: "SELECT sha256, version, language, channel, text, first_used_at FROM consent_text ORDER BY first_used_at").map {
                ConsentText(sha256: $0[0], version: $0[1], language: $0[2], channel: $0[3], text: $0[4], firstUsedAt: VisitRow.date($0[5]))
            }
        }
    }

    /// Records an answered access request (the data itself is not chained).
    public func recordAccessRequest(_ r: PrivacyRequestInput, visits: Int, at now: Date) throws -> Int64 {
        try write { tx in try tx.recordRequest(r, visits: visits, outcome: "answered", at: now) }
    }

    /// Erases the personal data of this gate's visits `codes` (the person's, found beforehand)
    /// in one transaction: the visit rows keep code, times, gate and decision; the check-in
    /// events' payloads become NULL (the chain hashes payload hashes, so every link still
    /// verifies); an `erase` event names each visit with the hash its remaining columns now
    /// have, so the audit can still check every row. Visits still open are left and listed.
    /// Copies held for other gates are dropped. Then the freed bytes are wiped from the file
    /// and the WAL (`eraseDeletedData`).
    /// Invitations in the person's name (`invitations`) are deleted with their uses, and their
    /// events' payloads erased: a valid one can no longer admit (as if revoked).
    public func erasePerson(codes: [String], invitations: [String] = [], request: PrivacyRequestInput, at now: Date) throws -> ErasureOutcome {
        let outcome = try write { tx -> ErasureOutcome in
            // The erase event vouches for what the rows hold afterwards: a log edited outside
            // the kiosk must not be laundered by it, so the whole audit passes first.
            let before = try Store.audit(tx.db, seal: tx.seal, key: chainKey, invitationUsesChained: true)
            if let problem = before.problem { throw RuleViolation(.privacyLogNotIntact, [problem]) }
            // A log that has been part of a building: its events are on the server and at other
            // gates, whatever kiosk.conf says now.
            if try Bool.fetchOne(tx.db, sql: "SELECT EXISTS(SELECT 1 FROM building_upload) OR EXISTS(SELECT 1 FROM replica_event)") == true {
                throw RuleViolation(.privacyEraseBuilding)
            }
            var erased: [String] = [], open: [String] = [], hashes: [String] = [], states: [String] = []
            let columns = VisitRow.fixedColumns
            for code in codes {
                guard let row = try Row.fetchOne(tx.db, sql: "SELECT \(VisitRow.selectList) FROM visit WHERE code = ?", arguments: [code]) else {
                    // The building replica's copy: dropped here (its own gate erases the original).
                    try tx.db.execute(sql: "UPDATE replica_event SET payload = NULL WHERE code = ?", arguments: [code])
                    try tx.db.execute(sql: "DELETE FROM replica_visit WHERE code = ?", arguments: [code])
                    continue
                }
                let status: String = row[28] ?? ""
                // Someone inside is the guard's to see; a self check-in still waiting was never
                // inside and may go.
                if status == Entry.Status.inside.rawValue {
                    open.append(code)
                    continue
                }
                // Erased already (its check-in payload is gone): nothing left to erase.
                if try String.fetchOne(tx.db, sql: "SELECT payload FROM event WHERE code = ? AND kind = 'checkin'", arguments: [code]) == nil { continue }
                var values = VisitRow.fixedValues(row: row)
                for (i, column) in columns.enumerated() where Store.personalColumns.contains(column) {
                    values[i] = column == "name" ? "".databaseValue : .null
                }
                // The code and badge are not personal: an erased visit can still be found by them.
                if let i = columns.firstIndex(of: "search_text") {
                    let badge = columns.firstIndex(of: "badge").flatMap { String.fromDatabaseValue(values[$0]) } ?? ""
                    values[i] = TextFolding.fold(code + " " + badge).databaseValue
                }
                // The declaration keeps the consent record only; the answers are the person's.
                if let i = columns.firstIndex(of: "declaration") {
                    let text = String.fromDatabaseValue(values[i])
                    let kept = text.flatMap(CanonicalJSON.decodeStringMap).map { ConsentRecord(declaration: $0)?.declaration ?? [:] } ?? [:]
                    values[i] = kept.isEmpty ? .null : CanonicalJSON.object(kept.mapValues { .string($0) }).databaseValue
                }
                let sets = columns.map { "\($0) = ?" }.joined(separator: ", ")
                try tx.db.execute(sql: "UPDATE visit SET \(sets) WHERE code = ?", arguments: StatementArguments(values + [code.databaseValue]))
                // The check-in holds the details; a confirmation may hold an override's reason.
                try tx.db.execute(sql: "UPDATE event SET payload = NULL WHERE code = ? AND kind IN ('checkin', 'confirm')", arguments: [code])
                // The messages about the visit: who was told of this person, and any still waiting.
                try tx.db.execute(sql: "DELETE FROM outbox WHERE visit_code = ?", arguments: [code])
                try tx.db.execute(sql: "DELETE FROM host_answer WHERE code = ?", arguments: [code])
                erased.append(code)
                hashes.append(HashChain.sha256Hex(VisitRow.canonicalFixed(values)))
                // How the visit ended, as the audit verified it just now: it replaces what the
                // erased confirm event said.
                func int(_ i: Int) -> CanonicalJSON.Value { (row[i] as Int64?).map { .int($0) } ?? .null }
                func text(_ i: Int) -> CanonicalJSON.Value { (row[i] as String?).map { .string($0) } ?? .null }
                states.append(CanonicalJSON.object([
                    ("status", text(28)), ("checked_out_at", int(29)), ("auto_closed_at", int(30)),
                    ("confirmed_at", int(31)), ("confirmed_by", text(32)), ("confirmed_decision", text(33)),
                ]))
            }
            var invitationsErased: [String] = []
            for id in invitations where try tx.invitation(id: id) != nil {
                try tx.db.execute(sql: "DELETE FROM invitation WHERE id = ?", arguments: [id])
                try tx.db.execute(sql: "UPDATE event SET payload = NULL WHERE code = ?", arguments: [id])
                invitationsErased.append(id)
            }
            let anything = !erased.isEmpty || !invitationsErased.isEmpty
            let outcome = anything ? "erased" : open.isEmpty ? "nothing-held" : "open-visits"
            let requestID = try tx.recordRequest(request, visits: erased.count, outcome: outcome, answered: open.isEmpty || anything, at: now)
            if anything {
                var pairs: [(String, CanonicalJSON.Value)] = [
                    ("request", .int(requestID)), ("codes", .strings(erased)), ("fixed", .strings(hashes)), ("state", .strings(states)),
                    ("invitations", .strings(invitationsErased)),
                    ("received", .string(request.receivedDay)), ("by", .string(request.by)),
                ]
                if let reason = request.reason { pairs.append(("reason", .string(reason))) }
                try tx.append(.erase, code: nil, payload: CanonicalJSON.object(pairs), at: now)
                try tx.setMeta(Store.erasurePendingMeta, "1")
                try tx.setMeta(Store.exportRewritePendingMeta, "1")
            }
            return ErasureOutcome(erased: erased, open: open, invitations: invitationsErased, requestID: requestID)
        }
        // Committed: a reader holding the checkpoint leaves the wipe to the daily jobs, as for a purge.
        do {
            try retryPendingErasure()
        } catch StoreError.locked {
            return ErasureOutcome(erased: outcome.erased, open: outcome.open, invitations: outcome.invitations, requestID: outcome.requestID, wipePending: true)
        }
        return outcome
    }

    /// Chains that an export file was rewritten without an erased person's rows.
    public func recordExportRewrite(file: String, removed: Int, sha256: String, at now: Date) throws {
        try write { tx in
            let payload = CanonicalJSON.object([
                ("action", .string("export-rewrite")), ("file", .string(file)), ("removed", .int(Int64(removed))), ("sha256", .string(sha256)),
            ])
            try tx.append(.privacy, code: nil, payload: payload, at: now)
            try tx.db.execute(sql: "UPDATE daily_export SET sha256 = ?, rows = rows - ? WHERE file = ?", arguments: [sha256, removed, file])
        }
    }

    /// Figures for the processing record: visits held, the oldest, the last purge, and how
    /// many visits rest on each basis and channel.
    public func privacyStats() throws -> PrivacyStats {
        try read { tx in
            let visits = try Int.fetchOne(tx.db, sql: "SELECT count(*) FROM visit") ?? 0
            let oldest = try Int64.fetchOne(tx.db, sql: "SELECT min(checked_in_at) FROM visit").map(VisitRow.date)
            let purge = try Int64.fetchOne(tx.db, sql: "SELECT max(at) FROM event WHERE kind = 'purge'").map(VisitRow.date)
            var byBasis: [String: Int] = [:]
            let rows = try Row.fetchAll(tx.db, sql: """
                SELECT CASE WHEN json_valid(declaration) THEN
                         COALESCE(json_extract(declaration, '$.consent_basis') || '/' || json_extract(declaration, '$.consent_channel'),
                                  CASE WHEN json_extract(declaration, '$.consent') = 'yes' THEN 'consent/web-form' END)
                       END AS basis, count(*)
                FROM visit GROUP BY basis
                """)
            for row in rows {
                let key: String? = row[0]
                byBasis[key ?? "unrecorded", default: 0] += row[1] as Int
            }
            return PrivacyStats(visits: visits, oldest: oldest, lastPurge: purge, byBasis: byBasis)
        }
    }

    /// Set by an erasure, cleared once the export files no longer hold the erased visits.
    public static let exportRewritePendingMeta = "export_rewrite_pending"

    public func exportRewriteDone() throws {
        try write { tx in try tx.db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [Store.exportRewritePendingMeta]) }
    }

    /// Invitations a visit of `codes` came in with: those are the person's, not a namesake's.
    public func invitationIDs(usedBy codes: [String]) throws -> Set<String> {
        guard !codes.isEmpty else { return [] }
        return try read { tx in
            let marks = Array(repeating: "?", count: codes.count).joined(separator: ",")
            return Set(try String.fetchAll(tx.db, sql: "SELECT DISTINCT invitation FROM invitation_use WHERE visit_code IN (\(marks))", arguments: StatementArguments(codes)))
        }
    }

    /// Every visit an erasure has named.
    public func erasedCodes() throws -> Set<String> {
        try read { tx in
            var codes = Set<String>()
            for text in try String.fetchAll(tx.db, sql: "SELECT payload FROM event WHERE kind = 'erase' AND payload IS NOT NULL") {
                if let obj = CanonicalJSON.decode(text) as? [String: Any], let list = obj["codes"] as? [String] { codes.formUnion(list) }
            }
            return codes
        }
    }

    /// Every request received, newest first.
    public func privacyRequests() throws -> [PrivacyRequest] {
        try read { tx in
            try Row.fetchAll(tx.db, sql: "SELECT id, kind, subject, received_day, recorded_at, answered_at, by, reason, visits, outcome FROM privacy_request ORDER BY id DESC").map {
                PrivacyRequest(
                    id: $0[0], kind: PrivacyRequest.Kind(rawValue: $0[1] ?? "") ?? .access, subject: $0[2], receivedDay: $0[3],
                    recordedAt: VisitRow.date($0[4]), answeredAt: ($0[5] as Int64?).map(VisitRow.date), by: $0[6], reason: $0[7],
                    visits: $0[8], outcome: $0[9])
            }
        }
    }

    /// Answer files of access requests that the chain names.
    public func accessAnswerFiles() throws -> [String] {
        try read { tx in
            // Only access answers: an export rewrite names its file under the same event kind.
            try String.fetchAll(tx.db, sql: "SELECT payload FROM event WHERE kind = 'privacy' AND payload IS NOT NULL").compactMap {
                guard let obj = CanonicalJSON.decode($0) as? [String: Any], obj["kind"] as? String == "access" else { return nil }
                return obj["file"] as? String
            }
        }
    }

    /// Exports the chain records (who, when, unmasked or not): for the processing record.
    public func exportEvents() throws -> [(at: Date, payload: [String: Any])] {
        try read { tx in
            try Row.fetchAll(tx.db, sql: "SELECT at, payload FROM event WHERE kind = 'export' AND payload IS NOT NULL ORDER BY seq").compactMap { row in
                let text: String = row[1]
                guard let obj = CanonicalJSON.decode(text) as? [String: Any] else { return nil }
                return (VisitRow.date(row[0]), obj)
            }
        }
    }

    /// Watch-list entries matching the person (by id hash, phone or folded name).
    public func watchEntries(about q: PersonQuery) throws -> [WatchEntry] {
        try watchList().filter { w in
            (q.idHash != nil && w.idHash == q.idHash) || (q.phone != nil && w.phone == q.phone)
                || (q.nameFolded.map { n in !n.isEmpty && (w.nameFolded?.contains(n) ?? false) } ?? false)
        }
    }
}
