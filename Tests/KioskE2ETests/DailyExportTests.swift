import Foundation
import Testing

/// The daily export at `auto_export_at`, catching up days missed while the kiosk was off.
@Suite("daily export")
struct DailyExportTests {
    static func file(_ box: Sandbox, _ day: String) -> String { box.exportDir + "/entries-demo-hq-\(day).csv" }

    static func exportFiles(_ box: Sandbox) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: box.exportDir)) ?? []).sorted()
    }

    /// Visits on 2026-11-29 (day 1) and 2026-11-30 (day 2); none on day 3.
    private func seed(_ box: Sandbox) throws -> [String: String] {
        var c: [String: String] = [:]
        c["d1a"] = try box.checkin("Ngày Một A", now: "2026-11-29T09:00:00+07:00")
        c["d1b"] = try box.checkin("Ngày Một B", now: "2026-11-29T23:59:30+07:00")
        try box.run(["checkout", c["d1a"]!], now: "2026-11-29T10:00:00+07:00")
        c["d2"] = try box.checkin("Ngày Hai", ["--phone", "0912345678"], now: "2026-11-30T00:10:00+07:00")
        return c
    }

    @Test("maintenance on day 4 at 01:00 exports days 1–3 once; a second run creates nothing")
    func catchUp() throws {
        let box = try Sandbox(language: "vi")
        let c = try seed(box)
        let r = try box.run(["maintenance"], now: "2026-12-02T01:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.isEmpty, "\(r)")
        for (day, rows) in [("2026-11-29", 2), ("2026-11-30", 1), ("2026-12-01", 0)] {
            #expect(r.stdout.contains("exported: \(Self.file(box, day)) (\(rows))"), "\(day): \(r)")
        }
        #expect(Self.exportFiles(box) == [
            "entries-demo-hq-2026-11-29.csv", "entries-demo-hq-2026-11-29.csv.sha256",
            "entries-demo-hq-2026-11-30.csv", "entries-demo-hq-2026-11-30.csv.sha256",
            "entries-demo-hq-2026-12-01.csv", "entries-demo-hq-2026-12-01.csv.sha256",
        ])
        let day1 = ExportTests.records(try ExportTests.parseCSV(try contents(Self.file(box, "2026-11-29"))))
        #expect(day1.map { $0["code"] } == [c["d1a"], c["d1b"]])
        #expect(day1.last?["status"] == "auto-closed")
        #expect(day1.last?["auto_closed_at"] == "2026-11-30 00:00:00")
        let day2 = ExportTests.records(try ExportTests.parseCSV(try contents(Self.file(box, "2026-11-30"))))
        #expect(day2.map { $0["code"] } == [c["d2"]])
        #expect(day2.first?["phone"] == "******5678", "daily exports are masked")
        let day3 = try ExportTests.parseCSV(try contents(Self.file(box, "2026-12-01")))
        #expect(day3 == [ExportTests.header.split(separator: ",").map(String.init)], "an empty day: header only")
        for day in ["2026-11-29", "2026-11-30", "2026-12-01"] {
            let sum = String(decoding: try contents(Self.file(box, day) + ".sha256"), as: UTF8.self)
            #expect(sum == "\(try Tool.sha256(file: Self.file(box, day)))  entries-demo-hq-\(day).csv\n")
            #expect(try permissions(Self.file(box, day)) == 0o600)
        }
        #expect(try box.sql("SELECT day, rows FROM daily_export ORDER BY day") == "2026-11-29|2\n2026-11-30|1\n2026-12-01|0")

        let modified = try Self.exportFiles(box).map { try FileManager.default.attributesOfItem(atPath: box.exportDir + "/" + $0)[.modificationDate] as? Date }
        let events = try box.sql("SELECT COUNT(*) FROM event")
        let again = try box.run(["maintenance"], now: "2026-12-02T03:00:00+07:00")
        #expect(again.status == 0, "\(again)")
        #expect(!again.stdout.contains("exported:"), "\(again)")
        #expect(Self.exportFiles(box).count == 6)
        let modifiedAgain = try Self.exportFiles(box).map { try FileManager.default.attributesOfItem(atPath: box.exportDir + "/" + $0)[.modificationDate] as? Date }
        #expect(modified == modifiedAgain, "no file rewritten")
        #expect(try box.sql("SELECT COUNT(*) FROM event") == events, "no export event added")
        #expect(try box.audit().status == 0)
    }

    @Test("a day is exported only once auto_export_at has passed on the next day")
    func waitsForExportTime() throws {
        let box = try Sandbox(language: "en")
        _ = try seed(box)
        let early = try box.run(["maintenance"], now: "2026-12-02T00:04:00+07:00")
        #expect(early.status == 0, "\(early)")
        #expect(Self.exportFiles(box).filter { $0.hasSuffix(".csv") } == ["entries-demo-hq-2026-11-29.csv", "entries-demo-hq-2026-11-30.csv"],
            "at 00:04 the 1st is not due yet (auto_export_at = 00:05)")
        let due = try box.run(["maintenance"], now: "2026-12-02T00:05:00+07:00")
        #expect(due.status == 0, "\(due)")
        #expect(due.stdout.contains("exported: \(Self.file(box, "2026-12-01")) (0)"), "\(due)")
        #expect(!due.stdout.contains("2026-11-29"), "\(due)")
    }

    @Test("auto_export_at = off exports nothing by itself")
    func off() throws {
        let box = try Sandbox(language: "en", settings: ["records.auto_export_at": "off"])
        _ = try seed(box)
        let r = try box.run(["maintenance"], now: "2026-12-02T01:00:00+07:00")
        #expect(r.status == 0, "\(r)")
        #expect(Self.exportFiles(box).isEmpty)
    }
}
