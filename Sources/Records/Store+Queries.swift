import Foundation
import GRDB
import KioskCore

/// What `list` asks for.
public struct VisitQuery: Sendable {
    /// Check-in time range [from, to); nil for no bound.
    public var from: Date?
    public var to: Date?
    public var insideOnly = false
    /// Folded before matching, so `nguyen van an` finds `Nguyễn Văn An`.
    public var search: String?
    public var includeDenied = true
    public var limit: Int?
    /// Only self check-ins waiting for the guard.
    public var pendingOnly = false
    /// Latest check-ins first (with `limit`: the last N, read straight off the index).
    public var newestFirst = false

    public init(from: Date? = nil, to: Date? = nil, insideOnly: Bool = false, search: String? = nil, includeDenied: Bool = true, limit: Int? = nil) {
        self.from = from
        self.to = to
        self.insideOnly = insideOnly
        self.search = search
        self.includeDenied = includeDenied
        self.limit = limit
    }
}

/// Counts for `kiosk stats`.
public struct DayStats: Equatable, Sendable, Codable {
    public var visits = 0
    /// Denied visits and refusals that kept no visit row (capacity, refused codes).
    public var denied = 0
    public var insideNow = 0
    public var autoClosed = 0
    public var byMethod: [String: Int] = [:]
    public var byCategory: [String: Int] = [:]
    /// Visits by hour of check-in (venue time), 24 buckets.
    public var byHour = Array(repeating: 0, count: 24)
}

/// One row of a contact-tracing answer.
public struct TraceContact: Equatable, Sendable {
    public var entry: Entry
    /// Minutes both were inside at once (0 when they were only within the margin).
    public var overlapMinutes: Int
    /// True when the contact's exit time is unknown (closed automatically or still inside).
    public var endUncertain: Bool
}

extension Store {
    public func list(_ query: VisitQuery) throws -> [Entry] {
        try read { tx in
            var clauses: [String] = []
            var args: [any DatabaseValueConvertible] = []
            if query.insideOnly { clauses.append("status = 'inside'") }
            if query.pendingOnly { clauses.append("status = 'pending'") }
            if !query.includeDenied { clauses.append("status != 'denied'") }
            if let from = query.from {
                clauses.append("checked_in_at >= ?")
                args.append(VisitRow.millis(from))
            }
            if let to = query.to {
                clauses.append("checked_in_at < ?")
                args.append(VisitRow.millis(to))
            }
            if let search = query.search.map(TextFolding.fold), !search.isEmpty {
                clauses.append("search_text LIKE ? ESCAPE '\\'")
                let escaped = search.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                args.append("%\(escaped)%")
            }
            var sql = "SELECT \(VisitRow.selectList) FROM visit"
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += query.newestFirst ? " ORDER BY checked_in_at DESC, id DESC" : " ORDER BY checked_in_at, id"
            if let limit = query.limit { sql += " LIMIT \(max(0, limit))" }
            return try Row.fetchAll(tx.db, sql: sql, arguments: StatementArguments(args)).map(VisitRow.entry).map(tx.withConfirmOverride)
        }
    }

    public func visit(code: String) throws -> Entry? {
        try read { tx in try tx.visit(code: code) }
    }

    /// Only the counts a screen shows all day (visits, denied, auto-closed, inside now), from
    /// the index in one grouped query: the guard terminal asks every two seconds.
    /// Statuses of visits where nobody came in: a self check-in still waiting for the guard,
    /// or one closed without being confirmed. Not visits, not contacts.
    static let neverInside: Set<String> = [Entry.Status.pending.rawValue, Entry.Status.unconfirmed.rawValue]

    public func counts(from: Date, to: Date) throws -> DayStats {
        try read { tx in
            var s = DayStats()
            s.insideNow = try tx.insideCount()
            let rows = try Row.fetchAll(
                tx.db, sql: "SELECT status, count(*) FROM visit WHERE checked_in_at >= ? AND checked_in_at < ? GROUP BY status",
                arguments: [VisitRow.millis(from), VisitRow.millis(to)])
            for row in rows {
                let status: String = row[0] ?? ""
                let n: Int = row[1] ?? 0
                // A self check-in counts once the guard confirmed it (issue 22 #16): waiting or
                // never confirmed, nobody came in.
                if Self.neverInside.contains(status) { continue }
                if status == "denied" { s.denied += n } else { s.visits += n }
                if status == "auto-closed" { s.autoClosed += n }
            }
            // Refusals that left no visit row (capacity, a refused code): the guard saw them.
            s.denied += try tx.refusalCount(from: from, to: to)
            return s
        }
    }

    public func stats(from: Date, to: Date, calendar: VenueCalendar) throws -> DayStats {
        try read { tx in
            var s = DayStats()
            s.insideNow = try tx.insideCount()
            let rows = try Row.fetchCursor(
                tx.db, sql: "SELECT method, category, status, checked_in_at FROM visit WHERE checked_in_at >= ? AND checked_in_at < ?",
                arguments: [VisitRow.millis(from), VisitRow.millis(to)])
            while let row = try rows.next() {
                let status: String = row[2] ?? ""
                if Self.neverInside.contains(status) { continue }
                if status == "denied" {
                    s.denied += 1
                    continue
                }
                s.visits += 1
                if status == "auto-closed" { s.autoClosed += 1 }
                s.byMethod[row[0] ?? "?", default: 0] += 1
                s.byCategory[row[1] ?? "?", default: 0] += 1
                let hour = calendar.hour(of: VisitRow.date(row[3] ?? 0))
                if (0..<24).contains(hour) { s.byHour[hour] += 1 }
            }
            s.denied += try tx.refusalCount(from: from, to: to)
            return s
        }
    }

    /// Everyone whose visit overlapped `code`'s visit widened by `margin` on both sides.
    public func trace(code: String, margin: TimeInterval, now: Date) throws -> (Entry, [TraceContact])? {
        try read { tx in
            guard let target = try tx.visit(code: code) else { return nil }
            let start = target.checkedInAt.addingTimeInterval(-margin)
            let end = target.end(now: now).addingTimeInterval(margin)
            let nowMillis = VisitRow.millis(now)
            let rows = try Row.fetchAll(
                tx.db, sql: """
                    SELECT \(VisitRow.selectList) FROM visit
                    WHERE code != ? AND status NOT IN ('denied', 'pending', 'unconfirmed') AND checked_in_at < ?
                      AND COALESCE(checked_out_at, auto_closed_at, ?) > ?
                    ORDER BY checked_in_at
                    """,
                arguments: [code, VisitRow.millis(end), nowMillis, VisitRow.millis(start)])
            // The same person's own other visits (a later return, a second gate) are not
            // contacts: known by the keyed id hash or the phone, never by name.
            let contacts = rows.map(VisitRow.entry).filter { e in
                !((target.idHash != nil && e.idHash == target.idHash) || (target.details.phone != nil && e.details.phone == target.details.phone))
            }.map { e -> TraceContact in
                let overlapStart = max(e.checkedInAt, target.checkedInAt)
                let overlapEnd = min(e.end(now: now), target.end(now: now))
                let minutes = max(0, Int((overlapEnd.timeIntervalSince(overlapStart) / 60).rounded()))
                return TraceContact(entry: e, overlapMinutes: minutes, endUncertain: e.checkedOutAt == nil)
            }
            return (target, contacts.sorted { ($0.overlapMinutes, $1.entry.checkedInAt) > ($1.overlapMinutes, $0.entry.checkedInAt) })
        }
    }

    /// The earliest check-in in the log, for catching up daily exports.
    public func firstCheckIn() throws -> Date? {
        try read { tx in
            (try Int64.fetchOne(tx.db, sql: "SELECT MIN(checked_in_at) FROM visit")).map(VisitRow.date)
        }
    }

    public func chainHead() throws -> (seq: Int64, hash: String) {
        try read { tx in try HashChain.head(tx.db) }
    }
}
