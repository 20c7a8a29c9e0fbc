import Foundation
import GRDB
import KioskCore

/// Someone in the building who receives visitors, from `kiosk hosts import`.
public struct HostRecord: Equatable, Sendable, Codable {
    public var id: Int64
    public var name: String
    public var department: String
    public var email: String?
    public var phone: String?
    public var webhook: String?
    public var updatedAt: Date

    public init(id: Int64 = 0, name: String, department: String, email: String?, phone: String?, webhook: String?, updatedAt: Date = Date(timeIntervalSince1970: 0)) {
        self.id = id
        self.name = name
        self.department = department
        self.email = email
        self.phone = phone
        self.webhook = webhook
        self.updatedAt = updatedAt
    }

    /// `Nguyễn Văn An (Kế toán)`: how a host is shown, suggested and typed back.
    public var label: String { department.isEmpty ? name : "\(name) (\(department))" }

    static let columns = "id, name, department, email, phone, webhook, updated_at"
    init(row: Row) {
        self.init(id: row[0], name: row[1], department: row[2], email: row[3], phone: row[4], webhook: row[5], updatedAt: VisitRow.date(row[6]))
    }
}

/// What an import changed.
public struct HostImportResult: Equatable, Sendable {
    public var added: Int
    public var updated: Int
    public var unchanged: Int
}

extension Store {
    /// Adds hosts, or updates the one with the same folded name and department: a directory
    /// exported again from HR updates addresses without duplicating anyone. One transaction:
    /// a file that fails half-way changes nothing.
    public func importHosts(_ hosts: [HostRecord], at now: Date) throws -> HostImportResult {
        try write { tx in
            var result = HostImportResult(added: 0, updated: 0, unchanged: 0)
            for h in hosts {
                let nameFolded = TextFolding.fold(h.name), deptFolded = TextFolding.fold(h.department)
                if let old = try tx.row("SELECT \(HostRecord.columns) FROM host WHERE name_folded = ? AND department_folded = ?", [nameFolded, deptFolded]).map(HostRecord.init(row:)) {
                    if old.name == h.name, old.department == h.department, old.email == h.email, old.phone == h.phone, old.webhook == h.webhook {
                        result.unchanged += 1
                        continue
                    }
                    try tx.execute(
                        "UPDATE host SET name = ?, department = ?, email = ?, phone = ?, webhook = ?, updated_at = ? WHERE id = ?",
                        [h.name, h.department, h.email, h.phone, h.webhook, VisitRow.millis(now), old.id])
                    result.updated += 1
                } else {
                    try tx.execute(
                        "INSERT INTO host (name, name_folded, department, department_folded, email, phone, webhook, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [h.name, nameFolded, h.department, deptFolded, h.email, h.phone, h.webhook, VisitRow.millis(now)])
                    result.added += 1
                }
            }
            return result
        }
    }

    /// The directory, by name.
    public func hosts() throws -> [HostRecord] {
        try read { tx in try tx.rows("SELECT \(HostRecord.columns) FROM host ORDER BY name_folded, department_folded, id").map(HostRecord.init(row:)) }
    }

    /// Removes one host; false when there is none with that number. Messages already waiting
    /// for them are cancelled: whoever was removed should hear nothing more from the kiosk.
    public func removeHost(id: Int64, at now: Date) throws -> HostRecord? {
        try write { tx in
            guard let h = try tx.row("SELECT \(HostRecord.columns) FROM host WHERE id = ?", [id]).map(HostRecord.init(row:)) else { return nil }
            try tx.execute("DELETE FROM host WHERE id = ?", [id])
            try tx.execute(
                "UPDATE outbox SET state = 'cancelled', last_error = 'host removed from the directory', done_at = ? WHERE state = 'waiting' AND recipient IN (?, ?)",
                [VisitRow.millis(now), h.email ?? "\u{0}", h.webhook ?? "\u{0}"])
            return h
        }
    }
}

extension StoreTransaction {
    /// The hosts a visit's "whom" names: the folded text equals a host's folded name, or its
    /// label (`name (department)`), or `name - department`. Several hosts of one name in
    /// different departments all match a bare name: the caller decides what an ambiguous
    /// host means.
    public func hosts(matching text: String) throws -> [HostRecord] {
        let folded = TextFolding.fold(text)
        guard !folded.isEmpty else { return [] }
        // Most check-ins name no host of the directory (or there is none): asked first
        // without building GRDB rows (issue 19).
        guard try Int64.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM host LIMIT 1")) != nil else { return [] }
        let byName = try rows("SELECT \(HostRecord.columns) FROM host WHERE name_folded = ? ORDER BY id", [folded]).map(HostRecord.init(row:))
        if !byName.isEmpty { return byName }
        // `name (department)` and `name - department`, as the suggestions show them.
        var candidates: [(String, String)] = []
        if folded.hasSuffix(")"), let open = folded.lastIndex(of: "(") {
            candidates.append((String(folded[..<open]), String(folded[folded.index(after: open)...].dropLast())))
        }
        for sep in [" - ", " — ", " – ", ", "] {
            if let r = folded.range(of: sep, options: .backwards) {
                candidates.append((String(folded[..<r.lowerBound]), String(folded[r.upperBound...])))
            }
        }
        for (name, dept) in candidates {
            let n = name.trimmingCharacters(in: .whitespaces), d = dept.trimmingCharacters(in: .whitespaces)
            let found = try rows("SELECT \(HostRecord.columns) FROM host WHERE name_folded = ? AND department_folded = ?", [n, d]).map(HostRecord.init(row:))
            if !found.isEmpty { return found }
        }
        return []
    }
}
