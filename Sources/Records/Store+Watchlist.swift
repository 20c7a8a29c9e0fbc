import Foundation
import GRDB
import KioskCore

/// A watch-list entry. Names are kept folded, id numbers only as their keyed hash.
public struct WatchEntry: Equatable, Sendable, Codable {
    public enum Action: String, Codable, Sendable, CaseIterable {
        /// Refuse entry.
        case deny
        /// Admit, but alert the guard.
        case alert
    }

    public var id: Int64
    public var nameFolded: String?
    public var idHash: String?
    public var phone: String?
    public var action: Action
    public var note: String?
    public var createdAt: Date
    /// The gate whose list holds it, for an entry of another gate (the building replica):
    /// numbers are each gate's own, so `#lobby:1` is told from this gate's `#1`.
    public var gate: String?

    /// What the chain proves about an entry (the audit compares rows with it).
    var canonical: String {
        var pairs: [(String, CanonicalJSON.Value)] = [("id", .int(id)), ("action", .string(action.rawValue))]
        if let nameFolded { pairs.append(("name_folded", .string(nameFolded))) }
        if let idHash { pairs.append(("id_hash", .string(idHash))) }
        if let phone { pairs.append(("phone", .string(phone))) }
        if let note { pairs.append(("note", .string(note))) }
        return CanonicalJSON.object(pairs)
    }

    /// Reads `id, name_folded, id_hash, phone, action, note, created_at[, gate]`.
    static func fetch(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [WatchEntry] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in
            WatchEntry(
                id: row[0], nameFolded: row[1], idHash: row[2], phone: row[3],
                action: Action(rawValue: row[4] ?? "") ?? .alert, note: row[5],
                createdAt: VisitRow.date(row[6] ?? 0), gate: row.count > 7 ? row[7] : nil)
        }
    }

    /// `#3`, or `#lobby:3` for another gate's entry.
    public var tag: String { "#" + (gate.map { $0 + ":" } ?? "") + String(id) }
}

extension Store {
    /// Adds an entry; the change is chained like any other.
    public func addWatch(nameFolded: String?, idHash: String?, phone: String?, action: WatchEntry.Action, note: String?, at now: Date) throws -> Int64 {
        try write { tx in
            try tx.db.execute(
                sql: "INSERT INTO watch (name_folded, id_hash, phone, action, note, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [nameFolded, idHash, phone, action.rawValue, note, VisitRow.millis(now)])
            let id = tx.db.lastInsertedRowID
            let entry = WatchEntry(id: id, nameFolded: nameFolded, idHash: idHash, phone: phone, action: action, note: note, createdAt: now)
            try tx.append(.watchAdd, code: nil, payload: entry.canonical, at: now)
            return id
        }
    }

    /// Removes an entry; false if there was none.
    public func removeWatch(id: Int64, at now: Date) throws -> Bool {
        try write { tx in
            try tx.db.execute(sql: "DELETE FROM watch WHERE id = ?", arguments: [id])
            guard tx.db.changesCount > 0 else { return false }
            try tx.append(
                .watchRemove, code: nil, payload: CanonicalJSON.object([("id", .int(id))]), at: now)
            return true
        }
    }

    public func watchList() throws -> [WatchEntry] {
        try read { tx in
            try WatchEntry.fetch(tx.db, sql: "SELECT id, name_folded, id_hash, phone, action, note, created_at FROM watch ORDER BY id")
        }
    }
}
