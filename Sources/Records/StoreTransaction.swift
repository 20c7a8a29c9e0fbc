import Foundation
import GRDB
import KioskCore

/// What the Gate may ask and change inside one transaction. Rules that must hold across
/// processes (one open visit per person, one holder per badge, capacity) are checked and acted
/// on in the same transaction, so two gates cannot both admit the last place.
public struct StoreTransaction {
    let db: Database
    /// How this store links its events (the building's chain key).
    let seal: ChainSeal

    /// Chains one event after the head, in this transaction.
    @discardableResult
    func append(_ kind: HashChain.Kind, code: String?, payload: String, at: Date) throws -> String {
        try HashChain.append(db, seal: seal, kind: kind, code: code, payload: payload, at: at)
    }

    /// Statements are prepared once per connection and reused: preparing (and GRDB's
    /// authorizer walking every column of a 31-column SELECT) was most of a check-in's CPU.
    func row(_ sql: String, _ arguments: StatementArguments = []) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    // MARK: Queries

    public func visit(code: String) throws -> Entry? {
        try row("SELECT \(VisitRow.selectList) FROM visit WHERE code = ?", [code])
            .map(VisitRow.entry).map(withConfirmOverride)
    }

    /// A supervisor's override given at the confirmation (past a full house or a host who has
    /// not answered) is in the chained `confirm` event, not in the check-in's fixed columns:
    /// shown from there as the visit's override, so lists and exports name who and why.
    func withConfirmOverride(_ e: Entry) -> Entry {
        guard e.overriddenBy == nil, e.confirmedDecision == "overridden",
            let payload = try? String.fetchOne(
                db.cachedStatement(sql: "SELECT payload FROM event WHERE code = ? AND kind = 'confirm' ORDER BY seq DESC LIMIT 1"), arguments: [e.code]),
            let obj = CanonicalJSON.decode(payload) as? [String: Any]
        else { return e }
        var e = e
        e.overriddenBy = obj["overridden_by"] as? String
        e.overrideReason = obj["override_reason"] as? String
        return e
    }

    /// People inside the building: this gate's visits and, with a building log, the other
    /// gates' (the replica). Capacity is the building's.
    public func insideCount() throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT (SELECT COUNT(*) FROM visit WHERE status = 'inside') + (SELECT COUNT(*) FROM replica_visit WHERE status = 'inside')")) ?? 0
    }

    /// The latest check-in time in the log (indexed): a clock set back shows up as before it.
    public func latestCheckIn() throws -> Date? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(checked_in_at) FROM visit")).map(VisitRow.date)
    }

    /// An open visit of the same person: same id hash, or same phone; at this gate, or (with
    /// a building log) at another gate as far as the replica knows: its `gate` says which.
    public func insideVisit(idHash: String?, phone: String?) throws -> Entry? {
        guard idHash != nil || phone != nil else { return nil }
        // One statement for the four lookups (this gate by id, by phone, then the replica's),
        // in that order of preference; each arm uses its index. A NULL key matches nothing.
        let found = try String.fetchOne(db.cachedStatement(sql: """
            SELECT t || ' ' || r FROM (
                SELECT 0 AS o, 'visit' AS t, rowid AS r FROM visit WHERE id_hash = ?1 AND status = 'inside'
                UNION ALL SELECT 1, 'visit', rowid FROM visit WHERE phone = ?2 AND status = 'inside'
                UNION ALL SELECT 2, 'replica_visit', rowid FROM replica_visit WHERE id_hash = ?1 AND status = 'inside'
                UNION ALL SELECT 3, 'replica_visit', rowid FROM replica_visit WHERE phone = ?2 AND status = 'inside'
            ) ORDER BY o LIMIT 1
            """), arguments: [idHash, phone])
        guard let found else { return nil }
        let parts = found.split(separator: " ")
        guard parts.count == 2, let rowid = Int64(parts[1]) else { return nil }
        let table = parts[0] == "visit" ? "visit" : "replica_visit"
        return try row("SELECT \(VisitRow.selectList) FROM \(table) WHERE rowid = ?", [rowid]).map(VisitRow.entry)
    }

    public func insideVisit(badge: String) throws -> Entry? {
        try firstVisit(in: "visit", where: "badge = ? AND status = 'inside'", [badge])
    }

    /// The latest visit that held a badge, open or not: a badge handed back twice is
    /// answered with the visit it closed.
    public func latestVisit(badge: String) throws -> Entry? {
        try firstVisit(in: "visit", where: "badge = ? AND status != 'denied'", [badge], order: "ORDER BY checked_in_at DESC, id DESC")
    }

    /// The most recent earlier visit of the same person, for "returning visitor".
    public func lastVisit(idHash: String?, phone: String?) throws -> Entry? {
        guard idHash != nil || phone != nil else { return nil }
        // The latest of "latest by id" and "latest by phone", in one statement (each arm by
        // its index); on a tie the id's visit, as before.
        guard let rowid = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT r FROM (
                SELECT * FROM (SELECT 0 AS o, rowid AS r, checked_in_at AS c FROM visit
                    WHERE id_hash = ?1 AND status != 'denied' ORDER BY checked_in_at DESC LIMIT 1)
                UNION ALL
                SELECT * FROM (SELECT 1, rowid, checked_in_at FROM visit
                    WHERE phone = ?2 AND status != 'denied' ORDER BY checked_in_at DESC LIMIT 1)
            ) ORDER BY c DESC, o LIMIT 1
            """), arguments: [idHash, phone])
        else { return nil }
        return try row("SELECT \(VisitRow.selectList) FROM visit WHERE rowid = ?", [rowid]).map(VisitRow.entry)
    }

    /// The first visit of `table` (visit or replica_visit) matching `condition`, looked up
    /// by its rowid first: GRDB builds a column-name dictionary for every `Row` fetch, even
    /// one that finds nothing, and most of a check-in's lookups find nothing (issue 19).
    private func firstVisit(in table: String, where condition: String, _ arguments: StatementArguments, order: String = "") throws -> Entry? {
        guard let rowid = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT rowid FROM \(table) WHERE \(condition) \(order) LIMIT 1"), arguments: arguments)
        else { return nil }
        return try row("SELECT \(VisitRow.selectList) FROM \(table) WHERE rowid = ?", [rowid]).map(VisitRow.entry)
    }

    /// Matches on this gate's watch list and (with a building log) every other gate's: a
    /// list entered once is known at every gate. Another gate's entries carry its name
    /// (`gate`, shown as `#lobby:3`).
    public func watchMatches(nameFolded: String, idHash: String?, phone: String?) throws -> [WatchEntry] {
        // Almost every visitor matches nothing: asked first without building GRDB rows.
        let any = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT 1 WHERE EXISTS (SELECT 1 FROM watch WHERE (name_folded IS NOT NULL AND name_folded = ?1)
                   OR (id_hash IS NOT NULL AND id_hash = ?2) OR (phone IS NOT NULL AND phone = ?3))
               OR EXISTS (SELECT 1 FROM replica_watch WHERE (name_folded IS NOT NULL AND name_folded = ?1)
                   OR (id_hash IS NOT NULL AND id_hash = ?2) OR (phone IS NOT NULL AND phone = ?3))
            """), arguments: [nameFolded, idHash, phone])
        guard any != nil else { return [] }
        return try WatchEntry.fetch(db, sql: """
            SELECT id, name_folded, id_hash, phone, action, note, created_at FROM watch
            WHERE (name_folded IS NOT NULL AND name_folded = ?)
               OR (id_hash IS NOT NULL AND id_hash = ?)
               OR (phone IS NOT NULL AND phone = ?)
            ORDER BY id
            """, arguments: [nameFolded, idHash, phone])
            + WatchEntry.fetch(db, sql: """
            SELECT id, name_folded, id_hash, phone, action, note, created_at, gate FROM replica_watch
            WHERE (name_folded IS NOT NULL AND name_folded = ?)
               OR (id_hash IS NOT NULL AND id_hash = ?)
               OR (phone IS NOT NULL AND phone = ?)
            ORDER BY gate, id
            """, arguments: [nameFolded, idHash, phone])
    }

    func meta(_ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
    }

    func setMeta(_ key: String, _ value: String) throws {
        try db.execute(
            sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [key, value])
    }

    // MARK: Changes

    /// Inserts a visit under a fresh unique code and chains its check-in event.
    /// The entry's `code` is ignored and replaced by the one allocated here.
    public func insert(_ entry: Entry, at now: Date) throws -> Entry {
        var e = entry
        e.status = VisitRow.initialStatus(decision: entry.decision)
        e.checkedOutAt = nil
        e.autoClosedAt = nil
        for _ in 0..<32 {
            let code = EntryCode.random()
            if try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM visit WHERE code = ?"), arguments: [code]) == nil {
                e.code = code
                break
            }
        }
        let fixed = VisitRow.fixedValues(e)
        var values = fixed
        values.append(e.status.rawValue.databaseValue)
        // Exit times and a confirmation come later, each with its own event.
        values += Array(repeating: DatabaseValue.null, count: VisitRow.allColumns.count - values.count)
        e.confirmedAt = nil
        e.confirmedBy = nil
        e.confirmedDecision = nil
        // Mapped here, not by GRDB's key-path init (a key path instantiated per check-in).
        try execute(VisitRow.insertSQL, StatementArguments(values.map { $0 as (any DatabaseValueConvertible)? }))
        try append(.checkin, code: e.code, payload: VisitRow.canonicalFixed(fixed), at: now)
        return e
    }

    /// Records a real exit. Returns the visit as it now is.
    public func checkOut(code: String, at now: Date) throws -> Entry {
        let millis = VisitRow.millis(now)
        try execute("UPDATE visit SET status = 'left', checked_out_at = ? WHERE code = ? AND status = 'inside'", [millis, code])
        try append(
            .checkout, code: code,
            payload: CanonicalJSON.object([("status", .string("left")), ("checked_out_at", .int(millis))]), at: now)
        guard let e = try visit(code: code) else { throw RuleViolation(.noSuchVisit, [code]) }
        return e
    }

    /// The guard's decision on a self check-in: `inside` (an ordinary visit from now on) or
    /// `denied` (the rules refused it at the gate: a watch-list deny added since). One `confirm`
    /// event either way, whose `status` the audit replays; `note` adds what the guard was told
    /// (an override and its reason, a watch-list match), so the decision is attributable.
    public func confirm(
        code: String, by guardName: String, at now: Date, admitted: Bool = true, decision: String? = nil, note: [(String, String)] = []
    ) throws -> Entry {
        let status = admitted ? "inside" : "denied"
        let decided = decision ?? (admitted ? "admitted" : "denied")
        let millis = VisitRow.millis(now)
        try execute(
            "UPDATE visit SET status = ?, confirmed_at = ?, confirmed_by = ?, confirmed_decision = ? WHERE code = ? AND status = 'pending'",
            [status, millis, guardName, decided, code])
        try append(
            .confirm, code: code,
            payload: CanonicalJSON.object(
                [("status", .string(status)), ("confirmed_by", .string(guardName)), ("confirmed_at", .int(millis)),
                 ("decision", .string(decided))] + note.map { ($0.0, .string($0.1)) }),
            at: now)
        guard let e = try visit(code: code) else { throw RuleViolation(.noSuchVisit, [code]) }
        return e
    }

    /// Closes a visit that was never let in (a walk-in who left before their host answered)
    /// as `unconfirmed`, with the event an automatic close writes, marked `withdrawn`.
    public func withdraw(code: String, at now: Date) throws -> Entry {
        let millis = VisitRow.millis(now)
        try execute("UPDATE visit SET status = 'unconfirmed', auto_closed_at = ? WHERE code = ? AND status = 'pending'", [millis, code])
        try append(
            .autoClose, code: code,
            payload: CanonicalJSON.object([
                ("status", .string(Entry.Status.unconfirmed.rawValue)), ("auto_closed_at", .int(millis)),
                ("never_confirmed", .bool(true)), ("withdrawn", .bool(true)),
            ]),
            at: now)
        guard let e = try visit(code: code) else { throw RuleViolation(.noSuchVisit, [code]) }
        return e
    }

    /// Closes visits still open at their automatic check-out time. `closeTime` gives, for
    /// each open visit's check-in, when it should be closed (nil: not yet).
    public func autoClose(now: Date, closeTime: (Date) -> Date?) throws -> [Entry] {
        let open = try Row.fetchAll(
            db, sql: "SELECT \(VisitRow.selectList) FROM visit WHERE status IN ('inside', 'pending') ORDER BY checked_in_at"
        ).map(VisitRow.entry)
        var closed: [Entry] = []
        for var e in open {
            guard let at = closeTime(e.checkedInAt), at <= now else { continue }
            let millis = VisitRow.millis(at)
            // A self check-in the guard never confirmed was never inside: its row and event say
            // `unconfirmed`, so counts, exports and tracing never take it for a visit (the
            // review of issue 21 planted "contacts" in a trace through such submissions).
            let status: Entry.Status = e.status == .pending ? .unconfirmed : .autoClosed
            try db.execute(
                sql: "UPDATE visit SET status = ?, auto_closed_at = ? WHERE code = ? AND status IN ('inside', 'pending')",
                arguments: [status.rawValue, millis, e.code])
            var payload: [(String, CanonicalJSON.Value)] = [("status", .string(status.rawValue)), ("auto_closed_at", .int(millis))]
            if e.status == .pending { payload.append(("never_confirmed", .bool(true))) }
            try append(.autoClose, code: e.code, payload: CanonicalJSON.object(payload), at: now)
            e.status = status
            e.autoClosedAt = VisitRow.date(millis)
            closed.append(e)
        }
        return closed
    }
}

/// Short entry codes for receipts and `KOUT:` codes: six characters from an alphabet without
/// look-alikes (no 0/O, 1/I/L) nor E (see `alphabet`), about 590 million possibilities, checked for uniqueness.
public enum EntryCode {
    /// New codes draw from these 29 characters (about 590 million codes). No E: a code such
    /// as `6E8228` is a number in scientific notation to every spreadsheet, and the daily
    /// export is read in one (the soak found LibreOffice turning it into 1.8E+308).
    static let alphabet = Array("23456789ABCDFGHJKMNPQRSTUVWXYZ")
    /// Codes accepted when typed or scanned: also those issued before E was dropped.
    static let accepted = Set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    public static func random() -> String {
        var rng = SystemRandomNumberGenerator()
        return String((0..<6).map { _ in alphabet[Int(rng.next(upperBound: UInt32(alphabet.count)))] })
    }

    /// Upper-cases and trims what a guard types; nil if it cannot be a code.
    public static func normalise(_ text: String) -> String? {
        let t = text.uppercased().filter { !$0.isWhitespace }
        guard t.count == 6, t.allSatisfy({ accepted.contains($0) }) else { return nil }
        return t
    }
}
