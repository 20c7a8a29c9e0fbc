import Foundation
import Testing

/// `kiosk audit`: passes on an untouched log, and names the first bad row or event when the
/// database was changed behind the kiosk's back (with the sqlite3 shell, as an insider would).
@Suite("audit")
struct AuditTests {
    /// A log with four check-ins (events 1–4), a check-out of Bob (5), a watch-list entry
    /// (6) and an export (7).
    private func seed(_ box: Sandbox) throws -> [String: String] {
        var c: [String: String] = [:]
        c["alice"] = try box.checkin("Alice", now: "2026-11-29T08:00:00+07:00")
        c["bob"] = try box.checkin("Bob", ["--phone", "0912000111"], now: "2026-11-29T08:10:00+07:00")
        c["carol"] = try box.checkin("Carol", now: "2026-11-29T08:20:00+07:00")
        c["dan"] = try box.checkin("Dan", now: "2026-11-29T08:30:00+07:00")
        try box.run(["checkout", c["bob"]!], now: "2026-11-29T09:00:00+07:00")
        try box.watchDeny("Mallory")
        let e = try box.run(["export", "--output", "-"], now: "2026-11-29T09:30:00+07:00")
        guard e.status == 0 else { throw E2EError("export failed: \(e)") }
        return c
    }

    @Test("an untouched log passes, in both languages")
    func cleanLog() throws {
        for language in ["en", "vi"] {
            let box = try Sandbox(language: language)
            _ = try seed(box)
            let r = try box.run(["audit"])
            #expect(r.status == 0, "\(r)")
            let expected = language == "en" ? "Log intact: 7 events, 4 visits, hash chain valid." : "Nhật ký toàn vẹn: 7 sự kiện, 4 lượt, chuỗi băm hợp lệ."
            #expect(r.lines.first == expected, "\(r)")
            #expect(r.lines.count == 2 && r.lines[1].hasPrefix("head ") && r.lines[1].count == 5 + 64, "\(r)")
            let json = try box.audit()
            #expect(json.report["ok"] as? Bool == true)
            #expect(json.report["events"] as? Int == 7)
            #expect(json.report["visits"] as? Int == 4)
            #expect(isNull(json.report["problem"]))
        }
    }

    enum Tamper: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case editVisitName, deleteVisitRow, undoCheckoutInRow, forgeVisitRow
        case swapEventOrder, editEventPayload, backdateEvent, deleteEvent
        case deleteWatchRow, editWatchAction

        var testDescription: String { rawValue }

        func sql(_ c: [String: String]) -> String {
            switch self {
            case .editVisitName: return "UPDATE visit SET name = 'X' WHERE code = '\(c["bob"]!)'"
            case .deleteVisitRow: return "DELETE FROM visit WHERE code = '\(c["carol"]!)'"
            case .undoCheckoutInRow: return "UPDATE visit SET status = 'inside', checked_out_at = NULL WHERE code = '\(c["bob"]!)'"
            case .forgeVisitRow:
                return """
                    INSERT INTO visit (code, venue, gate, category, method, status, checked_in_at, name, search_text,
                      id_storage, decision, guard)
                    SELECT 'ZZZZZZ', venue, gate, category, method, status, checked_in_at, 'Ghost', 'ghost zzzzzz',
                      id_storage, decision, guard FROM visit WHERE code = '\(c["alice"]!)'
                    """
            case .swapEventOrder:
                return "UPDATE event SET seq = 100 WHERE seq = 2; UPDATE event SET seq = 2 WHERE seq = 3; UPDATE event SET seq = 3 WHERE seq = 100"
            case .editEventPayload: return "UPDATE event SET payload = replace(payload, 'Carol', 'Karol') WHERE seq = 3"
            case .backdateEvent: return "UPDATE event SET at = at - 3600000 WHERE seq = 5"
            case .deleteEvent: return "DELETE FROM event WHERE seq = 2"
            case .deleteWatchRow: return "DELETE FROM watch"
            case .editWatchAction: return "UPDATE watch SET action = 'alert'"
            }
        }

        /// What the message must name: the bad row or event.
        func expected(_ c: [String: String]) -> [String] {
            switch self {
            case .editVisitName: return ["visit row 2", c["bob"]!, "column name", "edited"]
            case .deleteVisitRow: return ["visit \(c["carol"]!)", "event #3", "deleted"]
            case .undoCheckoutInRow: return ["visit row 2", c["bob"]!, "edited"]
            case .forgeVisitRow: return ["ZZZZZZ", "no check-in event"]
            case .swapEventOrder: return ["event #2", "reordered"]
            case .editEventPayload: return ["event #3", c["carol"]!, "payload was edited"]
            case .backdateEvent: return ["event #5", "edited"]
            case .deleteEvent: return ["event #3", "expected #2"]
            case .deleteWatchRow, .editWatchAction: return ["watch"]
            }
        }
    }

    @Test("tampering makes audit exit 1 and name the bad row or event", arguments: Tamper.allCases)
    func tampering(_ tamper: Tamper) throws {
        let box = try Sandbox(language: "en")
        let c = try seed(box)
        #expect(try box.run(["audit"]).status == 0)
        _ = try box.sql(tamper.sql(c))

        let r = try box.run(["audit"])
        try #require(r.status == 1, "\(tamper) went unnoticed: \(r)")
        #expect(r.stdout.isEmpty, "\(r)")
        #expect(r.errorLines.count == 1, "one line: \(r)")
        #expect(r.stderr.hasPrefix("The log was tampered with: "), "\(r)")
        for fragment in tamper.expected(c) {
            #expect(r.stderr.contains(fragment), "\(tamper): stderr should name \"\(fragment)\": \(r)")
        }
        let json = try box.audit()
        #expect(json.status == 1)
        #expect(json.report["ok"] as? Bool == false)
        #expect((json.report["problem"] as? String).map { !$0.isEmpty } == true)
    }

    @Test("a deleted watch-list entry whose watch-add and unmasked-export events were erased is found")
    func erasedCodelessEvents() throws {
        let box = try Sandbox(language: "en")
        _ = try seed(box)
        #expect(try box.run(["export", "--output", box.dir + "/full.csv", "--unmasked"]).status == 0)
        _ = try box.sql("""
            DELETE FROM watch;
            UPDATE event SET payload = NULL WHERE kind = 'watch-add' OR (kind = 'export' AND payload LIKE '%"unmasked":true%');
            """)
        let r = try box.run(["audit"])
        #expect(r.status == 1, "went unnoticed: \(r)")
        #expect(r.stderr.hasPrefix("The log was tampered with: event #6 (watch-add)"), "\(r)")
        #expect(r.stderr.contains("erased"), "\(r)")
    }

    @Test("deleting invitation uses (so a single-use invitation admits again) is found")
    func deletedInvitationUse() throws {
        let box = try Sandbox(language: "en")
        let inv = try box.invite(name: "Trần Thị Bích", from: "2026-11-29 07:00", until: "2026-11-29 18:00")
        let code = try #require(inv["code"] as? String)
        let first = try box.scan(code, now: "2026-11-29T08:41:00+07:00")
        let entry = try #require(first.json["code"] as? String, "\(first.result)")
        #expect(try box.run(["checkout", entry], now: "2026-11-29T09:00:00+07:00").status == 0)
        #expect(try box.run(["audit"]).status == 0)
        _ = try box.sql("DELETE FROM invitation_use")
        // The invitation would admit again...
        #expect(try box.scan(code, now: "2026-11-29T10:00:00+07:00").json["decision"] as? String == "admit")
        // ...but the audit names the missing use.
        let r = try box.run(["audit"], now: "2026-11-29T10:05:00+07:00")
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("use of invitation") && r.stderr.contains(entry) && r.stderr.contains("row was deleted"), "\(r)")
    }

    /// With the database file alone: delete a visit, erase its events' payloads and append a
    /// `purge` naming it, linked the way the chain was before it was keyed (plain SHA-256).
    @Test("a forged purge made without the key file is found")
    func forgedPurge() throws {
        let box = try Sandbox(language: "en")
        let c = try seed(box)
        let victim = c["carol"]!
        _ = try box.sql("DELETE FROM visit WHERE code = '\(victim)'; UPDATE event SET payload = NULL WHERE code = '\(victim)'")
        let head = try box.sql("SELECT seq || '|' || hash FROM event ORDER BY seq DESC LIMIT 1").split(separator: "|")
        let seq = Int(head[0])! + 1, prev = String(head[1])
        let payload = "{\"codes\":[\"\(victim)\"],\"count\":1,\"cutoff\":9999999999999,\"retention_days\":30}"
        func sha256(_ text: String) throws -> String {
            String(try Tool.run("sha256sum", [], stdin: Data(text.utf8)).prefix(64))
        }
        let payloadHash = try sha256(payload)
        let hash = try sha256("\(seq)\n1795000000000\npurge\n\n\(payloadHash)\n\(prev)")
        _ = try box.sql("""
            INSERT INTO event (seq, at, kind, code, payload, payload_hash, prev_hash, hash)
            VALUES (\(seq), 1795000000000, 'purge', NULL, '\(payload)', '\(payloadHash)', '\(prev)', '\(hash)')
            """)
        let r = try box.run(["audit"])
        #expect(r.status == 1, "went unnoticed: \(r)")
        #expect(r.stderr.contains("event #\(seq) (purge"), "\(r)")
        #expect(r.stderr.contains("edited"), "\(r)")
    }

    @Test("another key file: the audit says the key differs, not that the log was edited")
    func wrongKey() throws {
        let box = try Sandbox(language: "en")
        _ = try seed(box)
        let original = try contents(box.keyPath)
        try Data(repeating: 0x42, count: 32).write(to: URL(fileURLWithPath: box.keyPath))
        let r = try box.run(["audit"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("different key") && r.stderr.contains("kiosk.key"), "\(r)")
        #expect(!r.stderr.contains("tampered"), "\(r)")
        // Nothing is sealed under the wrong key either.
        let checkin = try box.run(["checkin", "--name", "Eve"])
        #expect(checkin.status != 0 && checkin.stderr.contains("different key file"), "\(checkin)")
        try original.write(to: URL(fileURLWithPath: box.keyPath))
        #expect(try box.run(["audit"]).status == 0)
    }

    @Test("audit message in Vietnamese")
    func vietnamese() throws {
        let box = try Sandbox(language: "vi")
        let c = try seed(box)
        _ = try box.sql(Tamper.editVisitName.sql(c))
        let r = try box.run(["audit"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.hasPrefix("Nhật ký bị sửa: visit row 2 (code \(c["bob"]!))"), "\(r)")
    }
}
