import Foundation
import Testing

/// Forgotten visits are closed automatically, marked as such, never given an exit time.
@Suite("automatic check-out")
struct AutoCheckoutTests {
    @Test("midnight: yesterday's open visit is auto-closed at the venue's midnight, with no exit time")
    func midnight() throws {
        let box = try Sandbox(language: "en")
        let forgot = try box.checkin("Forgetful Visitor", now: "2026-11-29T10:00:00+07:00")
        let left = try box.checkin("Tidy Visitor", now: "2026-11-29T10:05:00+07:00")
        try box.run(["checkout", left], now: "2026-11-29T11:00:00+07:00")
        let evening = try box.checkin("Evening Visitor", now: "2026-11-29T23:50:00+07:00")

        // Still the same day: nothing is closed yet.
        let sameDay = try box.list(date: "2026-11-29", now: "2026-11-29T23:55:00+07:00")
        #expect(sameDay.first { $0["code"] as? String == forgot }?["status"] as? String == "inside")

        let r = try box.run(["list", "--date", "2026-11-29", "--json"], now: "2026-11-30T08:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        let visits = try JSON.array(r.stdout)
        for code in [forgot, evening] {
            let v = try #require(visits.first { $0["code"] as? String == code })
            #expect(v["status"] as? String == "auto-closed")
            #expect(isNull(v["checked_out_at"]), "no invented exit time")
            #expect(v["auto_closed_at"] as? String == "2026-11-29T17:00:00Z", "midnight in Hanoi")
        }
        let tidy = try #require(visits.first { $0["code"] as? String == left })
        #expect(tidy["status"] as? String == "left")
        #expect(isNull(tidy["auto_closed_at"]))
        #expect(try box.sql("SELECT COUNT(*) FROM visit WHERE status = 'auto-closed' AND checked_out_at IS NULL") == "2")
        #expect(try box.list(inside: true, now: "2026-11-30T08:00:00+07:00").isEmpty)

        // A late check-out of an auto-closed visit says so and changes nothing.
        let late = try box.run(["checkout", forgot], now: "2026-11-30T08:05:00+07:00")
        #expect(late.status == 0, "\(late)")
        #expect(late.stdout == "Visit \(forgot) already left at 2026-11-30 00:00:00: nothing changed.\n", "\(late)")
        #expect(try box.sql("SELECT checked_out_at IS NULL FROM visit WHERE code = '\(forgot)'") == "1")
        #expect(try box.sql("SELECT COUNT(*) FROM event WHERE kind = 'auto-close'") == "2")
        #expect(try box.audit().status == 0)
    }

    @Test("the next morning's stats report the previous day's auto-closed visits", arguments: ["en", "vi"])
    func nextMorningStats(language: String) throws {
        let box = try Sandbox(language: language)
        try box.checkin("Forgot One", now: "2026-11-29T10:00:00+07:00")
        try box.checkin("Forgot Two", now: "2026-11-29T15:00:00+07:00")
        let json = try box.run(["stats", "--date", "2026-11-30", "--json"], now: "2026-11-30T08:00:00+07:00")
        #expect(json.status == 0, "\(json)")
        let obj = try JSON.object(json.stdout)
        #expect(obj["previous_day_auto_closed"] as? Int == 2)
        #expect((obj["stats"] as? [String: Any])?["insideNow"] as? Int == 0)

        let text = try box.run(["stats", "--date", "2026-11-30"], now: "2026-11-30T08:00:00+07:00")
        #expect(text.status == 0, "\(text)")
        let expected = language == "en"
            ? "2 visits of 2026-11-29 were closed automatically (exit time unknown)."
            : "2 lượt hôm 2026-11-29 được tự động đóng (không rõ giờ ra)."
        #expect(text.stdout.contains(expected), "\(text)")

        let yesterday = try JSON.object(try box.run(["stats", "--date", "2026-11-29", "--json"], now: "2026-11-30T08:00:00+07:00").stdout)
        #expect((yesterday["stats"] as? [String: Any])?["autoClosed"] as? Int == 2)
    }

    @Test("after 2h: closed two hours after check-in")
    func afterHours() throws {
        let box = try Sandbox(language: "en", settings: ["records.auto_checkout": "after 2h"])
        let code = try box.checkin("Short Stay", now: "2026-11-29T10:00:00+07:00")
        #expect(try box.visit(code, date: "2026-11-29", now: "2026-11-29T11:59:00+07:00")?["status"] as? String == "inside")
        let v = try #require(try box.visit(code, date: "2026-11-29", now: "2026-11-29T12:30:00+07:00"))
        #expect(v["status"] as? String == "auto-closed")
        #expect(v["auto_closed_at"] as? String == "2026-11-29T05:00:00Z")
        #expect(isNull(v["checked_out_at"]))
    }

    @Test("off: nobody is closed automatically")
    func off() throws {
        let box = try Sandbox(language: "en", settings: ["records.auto_checkout": "off"])
        let code = try box.checkin("Long Stay", now: "2026-11-29T10:00:00+07:00")
        let v = try #require(try box.visit(code, date: "2026-11-29", now: "2026-12-05T10:00:00+07:00"))
        #expect(v["status"] as? String == "inside")
        #expect(try box.run(["maintenance"], now: "2026-12-05T10:00:00+07:00").stdout.hasPrefix("auto-closed: 0\n"))
    }
}
