import Foundation
import GRDB
import KioskCore

/// The mapping between `Entry` and the `visit` table, and the canonical form of a visit that
/// the hash chain proves.
///
/// A visit's columns are of two kinds: those fixed at check-in (everything a person told or
/// showed, the decision, who recorded it) and the three that change as it ends (`status`,
/// `checked_out_at`, `auto_closed_at`). The check-in event carries the first kind as canonical
/// JSON; later events carry the changes. That is all `audit` needs to rebuild every row.
enum VisitRow {
    /// Columns fixed at check-in, in canonical order.
    static let fixedColumns = [
        "code", "venue", "gate", "category", "method", "checked_in_at", "name", "search_text",
        "id_number", "id_storage", "id_hash", "phone", "organisation", "host", "purpose",
        "address", "badge", "temperature", "symptoms", "declaration", "app", "pass_summary",
        "decision", "reasons", "override_by", "override_reason", "watch_match", "guard",
    ]
    /// SQLite column types of the fixed columns (for tables that copy visit's shape).
    static func columnType(_ column: String) -> String {
        switch column {
        case "checked_in_at", "symptoms": "INTEGER"
        case "temperature": "REAL"
        case "code", "venue", "gate", "category", "method", "name", "search_text", "id_storage", "decision", "guard": "TEXT NOT NULL"
        default: "TEXT"
        }
    }

    static let allColumns = fixedColumns + ["status", "checked_out_at", "auto_closed_at", "confirmed_at", "confirmed_by", "confirmed_decision"]
    static let selectList = allColumns.joined(separator: ", ")
    /// The check-in's INSERT, made once rather than interpolated on every check-in.
    static let insertSQL = "INSERT INTO visit (\(selectList)) VALUES (\(Array(repeating: "?", count: allColumns.count).joined(separator: ", ")))"

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    /// The text searched by `kiosk list --search`: folded name, organisation, host, code, badge.
    static func searchText(_ e: Entry) -> String {
        TextFolding.fold(
            [e.details.name, e.details.organisation ?? "", e.details.host ?? "", e.code, e.badge ?? ""]
                .joined(separator: " "))
    }

    /// The status a visit starts with, from its recorded decision (the audit derives it the
    /// same way from the check-in event).
    static func initialStatus(decision: String) -> Entry.Status {
        switch decision {
        case "denied": .denied
        // Waiting for the guard (a phone's submission) or for the host's yes (issue 17).
        case "pending", "awaiting-host": .pending
        default: .inside
        }
    }

    static func fixedValues(_ e: Entry) -> [DatabaseValue] {
        func text(_ s: String?) -> DatabaseValue { s.map { $0.databaseValue } ?? .null }
        let declaration = e.declaration.isEmpty ? nil : CanonicalJSON.object(e.declaration.mapValues { .string($0) })
        let reasons = e.reasons.isEmpty ? nil : e.reasons.joined(separator: "; ")
        return [
            e.code.databaseValue, e.venue.databaseValue, e.gate.databaseValue,
            e.category.databaseValue, e.method.rawValue.databaseValue,
            millis(e.checkedInAt).databaseValue, e.details.name.databaseValue,
            searchText(e).databaseValue, text(e.details.idNumber), e.idStorage.rawValue.databaseValue,
            text(e.idHash), text(e.details.phone), text(e.details.organisation), text(e.details.host),
            text(e.details.purpose), text(e.details.address), text(e.badge),
            e.temperature.map { $0.databaseValue } ?? .null,
            e.symptoms.map { ($0 ? 1 : 0).databaseValue } ?? .null,
            text(declaration), text(e.app?.rawValue), text(e.passSummary), e.decision.databaseValue,
            text(reasons), text(e.overriddenBy), text(e.overrideReason), text(e.watchMatch),
            e.guardName.databaseValue,
        ]
    }

    /// Canonical JSON of the fixed columns, as they are in a row or about to be inserted.
    static func canonicalFixed(_ values: [DatabaseValue]) -> String {
        var pairs: [(String, CanonicalJSON.Value)] = []
        pairs.reserveCapacity(fixedColumns.count)
        for i in canonicalOrder where i < values.count {
            pairs.append((fixedColumns[i], CanonicalJSON.Value(values[i])))
        }
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        CanonicalJSON.appendObject(pairs, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The fixed columns' positions in the canonical (sorted) key order, sorted once.
    private static let canonicalOrder: [Int] = fixedColumns.indices.sorted { fixedColumns[$0] < fixedColumns[$1] }

    /// The fixed columns of a row read with `selectList`, in order.
    static func fixedValues(row: Row) -> [DatabaseValue] {
        (0..<fixedColumns.count).map { row[$0] as DatabaseValue }
    }

    static func entry(_ row: Row) -> Entry {
        func s(_ i: Int) -> String? { row[i] as String? }
        let declarationText: String? = row[19]
        let reasonsText: String? = row[23]
        let details = VisitorDetails(
            name: row[6] ?? "", idNumber: s(8), phone: s(11), organisation: s(12), host: s(13),
            purpose: s(14), address: s(15))
        let symptoms: Int64? = row[18]
        return Entry(
            code: row[0] ?? "", venue: row[1] ?? "", gate: row[2] ?? "", category: row[3] ?? "",
            method: EntryMethod(rawValue: row[4] ?? "") ?? .manual,
            status: Entry.Status(rawValue: row[28] ?? "") ?? .inside,
            checkedInAt: date(row[5] ?? 0),
            checkedOutAt: (row[29] as Int64?).map(date),
            autoClosedAt: (row[30] as Int64?).map(date),
            details: details,
            idStorage: IdStorage(rawValue: row[9] ?? "") ?? .masked,
            idHash: s(10), badge: s(16), temperature: row[17],
            symptoms: symptoms.map { $0 != 0 },
            declaration: declarationText.flatMap(CanonicalJSON.decodeStringMap) ?? [:],
            app: s(20).flatMap(AppStatus.init(rawValue:)),
            passSummary: s(21), decision: row[22] ?? "",
            reasons: reasonsText.map { $0.components(separatedBy: "; ") } ?? [],
            overriddenBy: s(24), overrideReason: s(25), watchMatch: s(26), guardName: row[27] ?? "",
            confirmedAt: (row[31] as Int64?).map(date), confirmedBy: s(32), confirmedDecision: s(33))
    }
}
