import Foundation
import Gate
import KioskCore

/// The bare-sqlite3 side of the check-in comparison: SQL scripts for the Debian `sqlite3`
/// shell that insert the same visitors into the kiosk's own `visit` table, one INSERT per
/// transaction (autocommit), under the PRAGMAs `Store` sets.
///
/// The table comes from `.schema visit` of a database the real migrations created, so the
/// baseline pays for the same columns and indexes as the Gate and follows schema changes.
struct SQLiteInsertScript {
    let sqlite3: String
    let visitors: [VisitorDetails]
    let hasher: IdHasher
    let venue: String
    let gate: String

    /// `PRAGMA journal_mode=WAL` (persistent, so set once) and the schema, run untimed.
    func setup(schemaFrom kioskDatabase: String, scratch: String) throws -> String {
        let schema = try Spawn.output(
            Command(program: sqlite3, arguments: ["-batch", kioskDatabase, ".schema visit"]), scratch: scratch)
        guard schema.contains("CREATE TABLE visit") else {
            throw BenchFailure("sqlite3 .schema visit on a fresh kiosk database printed no table")
        }
        return "PRAGMA journal_mode=WAL;\n" + schema
    }

    /// The timed part: the connection PRAGMAs `Store` sets, then one INSERT per visitor.
    func inserts(startingAt start: Date) -> String {
        var sql = """
            PRAGMA synchronous=FULL;
            PRAGMA foreign_keys=ON;
            PRAGMA secure_delete=FAST;
            PRAGMA busy_timeout=5000;

            """
        let startMillis = Int64(start.timeIntervalSince1970 * 1000)
        for (i, v) in visitors.enumerated() {
            let code = Self.code(i)
            let badge = String(i + 1)
            let search = TextFolding.fold(
                [v.name, v.organisation ?? "", v.host ?? "", code, badge].joined(separator: " "))
            let values: [String] = [
                quote(code), quote(venue), quote(gate), quote("visitor"), quote("manual"), quote("inside"),
                String(startMillis + Int64(i) * 1000), quote(v.name), quote(search),
                quote(v.idNumber.map { Masking.mask($0) }), quote("masked"), quote(v.idNumber.map(hasher.hash)),
                quote(v.phone), quote(v.organisation), quote(v.host), quote(v.purpose), quote(badge),
                "36.6", quote("installed"), quote("admitted"), quote("admitted"), quote("bench"),
            ]
            sql += """
                INSERT INTO visit (code, venue, gate, category, method, status, checked_in_at, name, \
                search_text, id_number, id_storage, id_hash, phone, organisation, host, purpose, badge, \
                temperature, app, decision, reasons, guard) VALUES (\(values.joined(separator: ", ")));

                """
        }
        return sql
    }

    /// Distinct six-character codes in the kiosk's alphabet, like `EntryCode.random` makes.
    static func code(_ n: Int) -> String {
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        var v = n &* 104_729 + 1_000_003
        var out = ""
        for _ in 0..<6 {
            out.append(alphabet[v % alphabet.count])
            v /= alphabet.count
        }
        return out
    }

    private func quote(_ text: String?) -> String {
        guard let text else { return "NULL" }
        return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
