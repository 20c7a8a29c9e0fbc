import Foundation
import Gate
import KioskCore

/// A check-in's SQL alone (issue 19): the same statements `GateService.checkIn`
/// runs in its transaction — the store's "moved?" check, returning-visitor and already-inside
/// lookups (this gate and the building's replica), badge, watch list, host directory, clock,
/// code, the visit's INSERT, the chain's head and event, the consent text, the new head —
/// written out for the Debian sqlite3 shell, one BEGIN IMMEDIATE … COMMIT per visitor. The
/// hashes and JSON are made beforehand: this measures what SQLite does for a check-in that
/// keeps its checks and its chain, without any of the kiosk's own CPU (but with the shell
/// parsing each statement, which the kiosk prepares once).
struct SQLiteTransactionScript {
    let inserts: SQLiteInsertScript

    /// The whole schema of a kiosk database (every table the transaction reads or writes).
    func setup(schemaFrom kioskDatabase: String, scratch: String) throws -> String {
        let schema = try Spawn.output(
            Command(program: inserts.sqlite3, arguments: ["-batch", kioskDatabase, ".schema"]), scratch: scratch)
        guard schema.contains("CREATE TABLE event") else {
            throw BenchFailure("sqlite3 .schema on a fresh kiosk database printed no event table")
        }
        // GRDB's own bookkeeping table is not part of a check-in.
        let lines = schema.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("grdb_migrations") }
        return "PRAGMA journal_mode=WAL;\n" + lines.joined(separator: "\n") + "\n"
    }

    func transactions(startingAt start: Date) -> String {
        var sql = """
            PRAGMA synchronous=FULL;
            PRAGMA foreign_keys=ON;
            PRAGMA secure_delete=FAST;
            PRAGMA busy_timeout=5000;

            """
        let startMillis = Int64(start.timeIntervalSince1970 * 1000)
        var generator = SplitMix64(seed: 19)
        func hex() -> String {
            (0..<4).map { _ in String(format: "%016llx", generator.next()) }.joined()
        }
        var previous = String(repeating: "0", count: 64)
        let visitInsert = inserts.inserts(startingAt: start).split(separator: "\n").filter { $0.hasPrefix("INSERT INTO visit") }
        for (i, v) in inserts.visitors.enumerated() {
            let code = SQLiteInsertScript.code(i)
            let badge = String(i + 1)
            let idHash = v.idNumber.map(inserts.hasher.hash) ?? ""
            let phone = v.phone ?? ""
            let at = startMillis + Int64(i) * 1000
            // A payload of the check-in event's size: the visit's fields as canonical JSON.
            let payload = "{\"badge\":\"\(badge)\",\"code\":\"\(code)\",\"gate\":\"\(inserts.gate)\",\"guard\":\"bench\","
                + "\"host\":\(quoteJSON(v.host)),\"id_hash\":\"\(idHash)\",\"name\":\(quoteJSON(v.name)),"
                + "\"organisation\":\(quoteJSON(v.organisation)),\"phone\":\"\(phone)\",\"purpose\":\(quoteJSON(v.purpose)),"
                + "\"temperature\":36.6,\"venue\":\"\(inserts.venue)\"}"
            let hash = hex()
            sql += """
                BEGIN IMMEDIATE;
                SELECT hash FROM event WHERE seq = \(i);
                SELECT rowid FROM visit WHERE id_hash = '\(idHash)' AND status != 'denied' ORDER BY checked_in_at DESC LIMIT 1;
                SELECT rowid FROM visit WHERE phone = '\(phone)' AND status != 'denied' ORDER BY checked_in_at DESC LIMIT 1;
                SELECT rowid FROM visit WHERE id_hash = '\(idHash)' AND status = 'inside' LIMIT 1;
                SELECT rowid FROM visit WHERE phone = '\(phone)' AND status = 'inside' LIMIT 1;
                SELECT rowid FROM replica_visit WHERE id_hash = '\(idHash)' AND status = 'inside' LIMIT 1;
                SELECT rowid FROM replica_visit WHERE phone = '\(phone)' AND status = 'inside' LIMIT 1;
                SELECT rowid FROM visit WHERE badge = '\(badge)' AND status = 'inside' LIMIT 1;
                SELECT 1 WHERE EXISTS (SELECT 1 FROM watch WHERE name_folded = 'x' OR id_hash = '\(idHash)' OR phone = '\(phone)')
                    OR EXISTS (SELECT 1 FROM replica_watch WHERE name_folded = 'x' OR id_hash = '\(idHash)' OR phone = '\(phone)');
                SELECT 1 FROM host LIMIT 1;
                SELECT MAX(checked_in_at) FROM visit;
                SELECT 1 FROM visit WHERE code = '\(code)';
                \(visitInsert[i])
                SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1;
                INSERT INTO event (seq, at, kind, code, payload, payload_hash, prev_hash, hash) VALUES (\(i + 1), \(at), 'checkin', '\(code)', \(quoteSQL(payload)), '\(hex())', '\(previous)', '\(hash)');
                INSERT OR IGNORE INTO consent_text (sha256, version, language, channel, text, first_used_at) VALUES ('\(String(repeating: "a", count: 64))', '1', 'vi', 'guard-notice', 'notice', \(at));
                SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1;
                COMMIT;

                """
            previous = hash
        }
        return sql
    }

    private func quoteJSON(_ text: String?) -> String {
        guard let text else { return "null" }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private func quoteSQL(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }
}
