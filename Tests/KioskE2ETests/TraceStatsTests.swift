import Foundation
import Testing

/// `kiosk trace` (contact tracing with a margin) and `kiosk stats` (counts of a day).
@Suite("trace and stats")
struct TraceStatsTests {
    /// The traced visit A is 09:00–10:00 on 2026-11-29 (venue time).
    private func seedTrace(_ box: Sandbox) throws -> [String: String] {
        func at(_ hhmm: String) -> String { "2026-11-29T\(hhmm):00+07:00" }
        var c: [String: String] = [:]
        c["E"] = try box.checkin("Early Leaver", ["--phone", "0900000005"], now: at("08:00"))
        try box.run(["checkout", c["E"]!], now: at("08:50"))  // within 15 min before A: contact, 0 min
        c["A"] = try box.checkin("Index Case", now: at("09:00"))
        c["B"] = try box.checkin("Bảo Overlap", ["--phone", "0900000002"], now: at("09:30"))
        c["F"] = try box.checkin("Forgetful Still Inside", now: at("09:50"))
        try box.run(["checkout", c["A"]!], now: at("10:00"))
        c["C"] = try box.checkin("Close After", now: at("10:10"))  // within 15 min after A: contact, 0 min
        c["D"] = try box.checkin("Distant", now: at("10:20"))  // outside the margin
        try box.run(["checkout", c["B"]!], now: at("10:45"))
        try box.run(["checkout", c["C"]!], now: at("11:00"))
        return c
    }

    @Test("trace --json lists everyone overlapping the visit plus the margin, with overlap minutes")
    func traceJSON() throws {
        let box = try Sandbox(language: "en")
        let c = try seedTrace(box)
        let r = try box.run(["trace", c["A"]!, "--margin", "15m", "--json"], now: "2026-11-29T12:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        let report = try JSON.object(r.stdout)
        #expect(report["margin_minutes"] as? Int == 15)
        #expect((report["visit"] as? [String: Any])?["code"] as? String == c["A"])
        let contacts = try #require(report["contacts"] as? [[String: Any]])
        var minutes: [String: Int] = [:]
        var unknownExit: [String: Bool] = [:]
        for row in contacts {
            let code = try #require((row["visit"] as? [String: Any])?["code"] as? String)
            minutes[code] = row["overlap_minutes"] as? Int
            unknownExit[code] = row["exit_time_unknown"] as? Bool
        }
        #expect(minutes == [c["B"]!: 30, c["F"]!: 10, c["E"]!: 0, c["C"]!: 0], "\(r.stdout)")
        #expect(minutes[c["D"]!] == nil, "10:20 is past 10:00 + 15 min")
        #expect(unknownExit[c["F"]!] == true && unknownExit[c["B"]!] == false)
        #expect(contacts.first.flatMap { ($0["visit"] as? [String: Any])?["code"] as? String } == c["B"], "largest overlap first")
        let b = try #require(contacts.first?["visit"] as? [String: Any])
        #expect(b["phone"] as? String == "******0002", "masked unless exported unmasked")
    }

    @Test("trace with a zero margin keeps only real overlaps; KOUT: codes and CSV work")
    func traceNoMarginAndCSV() throws {
        let box = try Sandbox(language: "vi")
        let c = try seedTrace(box)
        let r = try box.run(["trace", "KOUT:" + c["A"]!, "--margin", "0m", "--json"], now: "2026-11-29T12:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        let contacts = try #require(try JSON.object(r.stdout)["contacts"] as? [[String: Any]])
        let codes = Set(contacts.compactMap { ($0["visit"] as? [String: Any])?["code"] as? String })
        #expect(codes == [c["B"]!, c["F"]!])

        let csv = try box.run(["trace", c["A"]!, "--format", "csv"], now: "2026-11-29T12:00:00+07:00")
        #expect(csv.status == 0, "\(csv)")
        let rows = try ExportTests.parseCSV(csv.stdoutData)
        #expect(rows.first == ["code", "name", "phone", "organisation", "host", "time_in", "time_out", "overlap_minutes", "exit_time_unknown"])
        #expect(rows.count == 5)
        #expect(rows.contains { $0.first == c["B"] && $0[7] == "30" && $0[8] == "no" && $0[5] == "2026-11-29 09:30:00" })

        let text = try box.run(["trace", c["A"]!], now: "2026-11-29T12:00:00+07:00")
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("30 min  \(c["B"]!)"), "\(text)")
    }

    @Test("trace of an unknown code fails (1); a bad margin is a usage error (2)")
    func traceErrors() throws {
        let box = try Sandbox(language: "en")
        let code = try box.checkin("Someone")
        let unknown = try box.run(["trace", "ZZZZZZ"])
        #expect(unknown.status == 1, "\(unknown)")
        #expect(unknown.stderr.contains("No visit has code ZZZZZZ"), "\(unknown)")
        let bad = try box.run(["trace", code, "--margin", "soon"])
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stderr.contains("Invalid margin \"soon\""), "\(bad)")
    }

    @Test("stats --json counts visits by method, category and venue hour")
    func statsJSON() throws {
        let box = try Sandbox(language: "en", settings: ["venue.capacity": "200"])
        try box.watchDeny("Banned Person")
        try box.checkin("Morning One", now: "2026-11-29T08:05:00+07:00")
        try box.checkin("Morning Two", ["--category", "contractor"], now: "2026-11-29T08:55:00+07:00")
        let left = try box.checkin("Afternoon", ["--category", "delivery"], now: "2026-11-29T07:15:00Z")  // 14:15 venue
        try box.run(["checkout", left], now: "2026-11-29T15:00:00+07:00")
        let denied = try box.run(["checkin", "--name", "Banned Person"], now: "2026-11-29T15:10:00+07:00")
        #expect(denied.status == 1, "\(denied)")
        try box.checkin("Other Day", now: "2026-11-28T10:00:00+07:00")

        let r = try box.run(["stats", "--json", "--date", "2026-11-29"], now: "2026-11-29T16:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        let obj = try JSON.object(r.stdout)
        #expect(obj["date"] as? String == "2026-11-29")
        let stats = try #require(obj["stats"] as? [String: Any])
        #expect(stats["visits"] as? Int == 3)
        #expect(stats["denied"] as? Int == 1)
        #expect(stats["insideNow"] as? Int == 2)
        #expect(stats["byMethod"] as? [String: Int] == ["manual": 3])
        #expect(stats["byCategory"] as? [String: Int] == ["visitor": 1, "contractor": 1, "delivery": 1])
        var hours = Array(repeating: 0, count: 24)
        hours[8] = 2
        hours[14] = 1
        #expect(stats["byHour"] as? [Int] == hours, "hours are venue hours")

        let text = try box.run(["stats", "--date", "2026-11-29"], now: "2026-11-29T16:00:00+07:00")
        #expect(text.status == 0, "\(text)")
        #expect(text.stdout.contains("visits: 3   refused: 1   inside now: 2/200"), "\(text)")
        #expect(text.stdout.contains("by method: manual entry 3"), "\(text)")
        #expect(text.stdout.contains("08:00     2 "), "\(text)")
    }

    @Test("stats in Vietnamese, today by default")
    func statsVietnamese() throws {
        let box = try Sandbox(language: "vi", settings: ["venue.capacity": "200", "venue.name": "Tòa nhà Demo Hà Nội"])
        try box.checkin("Khách Một", now: "2026-11-29T08:05:00+07:00")
        let r = try box.run(["stats"], now: "2026-11-29T09:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("2026-11-29  Tòa nhà Demo Hà Nội\n"), "\(r)")
        #expect(r.stdout.contains("lượt vào: 1   từ chối: 0   đang ở trong: 1/200"), "\(r)")
    }
}

extension Sandbox {
    /// Adds a name to the watch list with action deny.
    func watchDeny(_ name: String) throws {
        let r = try run(["watchlist", "add", "--name", name, "--action", "deny"])
        guard r.status == 0 else { throw E2EError("watchlist add failed: \(r)") }
    }
}
