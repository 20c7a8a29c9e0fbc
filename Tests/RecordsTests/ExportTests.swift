import Foundation
import Testing
import KioskCore
@testable import Records

@Suite struct ExportTests {
    func storeWithVisits() throws -> (Store, Entry, Entry) {
        let store = try Store(inMemoryNamed: UUID().uuidString)
        let t = at("2026-11-29T01:30:00Z")  // 08:30 in Hanoi
        var hostile = sampleEntry("=HYPERLINK(\"http://x\")", at: t, idNumber: "079203001234", phone: "0912345678")
        hostile.details.organisation = "+1 Corp, \"Quoted\""
        hostile.details.host = "@admin"
        hostile.details.purpose = "-2 then\u{1B}[31m red\nnew line"
        let (a, b) = try store.write { tx in
            (try tx.insert(sampleEntry("Nguyễn Văn An", at: t, idNumber: "079203001234", phone: "0912345678"), at: t),
             try tx.insert(hostile, at: t.addingTimeInterval(60)))
        }
        _ = try store.write { tx in try tx.checkOut(code: a.code, at: t.addingTimeInterval(3600)) }
        return (store, a, b)
    }

    func export(_ store: Store, _ options: ExportOptions) throws -> (String, Int, [UInt8]) {
        var bytes: [UInt8] = []
        let n = try store.export(options, timeZone: hanoi) { bytes += $0 }
        return (String(decoding: bytes, as: UTF8.self), n, bytes)
    }

    let day = (from: at("2026-11-28T17:00:00Z"), to: at("2026-11-29T17:00:00Z"))

    @Test func csvHasBOMHeaderLocalTimesAndMasks() throws {
        let (store, a, _) = try storeWithVisits()
        let (text, n, bytes) = try export(store, ExportOptions(from: day.from, to: day.to))
        #expect(n == 2)
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = text.dropFirst().components(separatedBy: "\r\n")
        #expect(lines[0] == Store.exportColumns.joined(separator: ","))
        #expect(lines[1].hasPrefix("\(a.code),demo,main,visitor,manual,left,2026-11-29,08:30:00,2026-11-29 09:30:00,,Nguyễn Văn An,********1234,******5678,"))
        #expect(!text.contains("079203001234"))
        #expect(!bytes.contains(0x1B))
    }

    @Test func formulaCellsAreNeutralisedAndQuoted() throws {
        let (store, _, b) = try storeWithVisits()
        let (text, _, _) = try export(store, ExportOptions(from: day.from, to: day.to))
        let row = try #require(text.components(separatedBy: "\r\n").first { $0.hasPrefix(b.code) })
        #expect(row.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
        #expect(row.contains("\"'+1 Corp, \"\"Quoted\"\"\""))
        #expect(row.contains("\"'@admin\""))
        #expect(row.contains("\"'-2 then [31m red new line\""))
    }

    @Test func unmaskedShowsStoredValues() throws {
        let (store, _, _) = try storeWithVisits()
        let (text, _, _) = try export(store, ExportOptions(from: day.from, to: day.to, masked: false))
        #expect(text.contains("079203001234"))
        #expect(text.contains("0912345678"))
    }

    @Test func jsonLinesAreValidJSONObjects() throws {
        let (store, a, _) = try storeWithVisits()
        let (text, n, _) = try export(store, ExportOptions(from: day.from, to: day.to, format: .jsonl))
        let lines = text.split(separator: "\n")
        #expect(lines.count == n)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["code"] as? String == a.code)
        #expect(first["time_in"] as? String == "08:30:00")
        #expect(first["temperature"] as? Double == 36.6)
        #expect(first["phone"] as? String == "******5678")
        #expect(first["address"] is NSNull)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil)
        }
    }

    @Test func rangeExcludesOtherDays() throws {
        let (store, _, _) = try storeWithVisits()
        let (_, n, _) = try export(store, ExportOptions(from: day.to, to: day.to.addingTimeInterval(86400)))
        #expect(n == 0)
    }

    @Test func localTimeFormatterMatchesFoundation() {
        var f = LocalTimeFormatter(timeZone: hanoi)
        let cal = VenueCalendar(timeZone: hanoi)
        for seconds in stride(from: Int64(946_684_800), to: 2_000_000_000, by: 7_777_777) {
            let p = f.parts(seconds * 1000)
            let expected = cal.localTimestamp(Date(timeIntervalSince1970: Double(seconds)))
            #expect(String(decoding: p.date + [32] + p.time, as: UTF8.self) == expected)
        }
    }

    /// Zones whose offset changes off the hour: Lord Howe Island moves 30 minutes at 02:00
    /// local (15:30 UTC in October, 15:00 UTC in April), Kathmandu went from +5:30 to +5:45
    /// at 1986-01-01 00:00 local (18:30 UTC). Every minute of four hours around each change,
    /// in order as an export reads them, and alternating with a later time as time_in and
    /// time_out columns do.
    @Test(arguments: [
        ("Australia/Lord_Howe", "2026-10-03T13:30:00Z"), ("Australia/Lord_Howe", "2026-04-04T13:00:00Z"),
        ("Asia/Kathmandu", "1985-12-31T16:30:00Z"), ("America/St_Johns", "2026-03-08T03:30:00Z"),
    ])
    func localTimeFormatterIsRightAroundOffHourTransitions(zone: String, start: String) throws {
        let tz = try #require(TimeZone(identifier: zone))
        let cal = VenueCalendar(timeZone: tz)
        var inOrder = LocalTimeFormatter(timeZone: tz)
        var interleaved = LocalTimeFormatter(timeZone: tz)
        let first = Int64(at(start).timeIntervalSince1970)
        for seconds in stride(from: first + 17, to: first + 4 * 3600, by: 60) {
            for (formatter, s) in [(0, seconds), (1, seconds), (1, seconds + 5400)] {
                let p = formatter == 0 ? inOrder.parts(s * 1000) : interleaved.parts(s * 1000)
                let expected = cal.localTimestamp(Date(timeIntervalSince1970: Double(s)))
                #expect(String(decoding: p.date + [32] + p.time, as: UTF8.self) == expected, "\(zone) at \(s)")
            }
        }
    }
}

@Suite struct TraceAndStatsTests {
    @Test func overlapsAreMeasuredInMinutes() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString)
        let nine = at("2026-11-29T02:00:00Z")
        let (target, overlapping, nearby, far) = try store.write { tx in
            (try tx.insert(sampleEntry("Target", at: nine), at: nine),
             try tx.insert(sampleEntry("Overlap", at: nine.addingTimeInterval(1800)), at: nine),
             try tx.insert(sampleEntry("Nearby", at: nine.addingTimeInterval(3600 + 600)), at: nine),
             try tx.insert(sampleEntry("Far", at: nine.addingTimeInterval(5 * 3600)), at: nine))
        }
        _ = try store.write { tx in
            [try tx.checkOut(code: target.code, at: nine.addingTimeInterval(3600)),
             try tx.checkOut(code: overlapping.code, at: nine.addingTimeInterval(7200)),
             try tx.checkOut(code: nearby.code, at: nine.addingTimeInterval(7200)),
             try tx.checkOut(code: far.code, at: nine.addingTimeInterval(6 * 3600))]
        }
        let (t, contacts) = try #require(try store.trace(code: target.code, margin: 15 * 60, now: nine.addingTimeInterval(8 * 3600)))
        #expect(t.code == target.code)
        #expect(contacts.map(\.entry.code) == [overlapping.code, nearby.code])
        #expect(contacts.map(\.overlapMinutes) == [30, 0])
        #expect(try store.trace(code: "NOPE22", margin: 0, now: nine) == nil)
    }

    @Test func statsCountByMethodHourAndAutoClose() throws {
        let store = try Store(inMemoryNamed: UUID().uuidString)
        let t = at("2026-11-29T01:30:00Z")  // 08:30 local
        let entries = try store.write { tx in
            [try tx.insert(sampleEntry("A", at: t), at: t),
             try tx.insert(sampleEntry("B", at: t.addingTimeInterval(3600), method: .hc1), at: t),
             try tx.insert(sampleEntry("C", at: t, decision: "denied"), at: t)]
        }
        _ = try store.write { tx in try tx.autoClose(now: t.addingTimeInterval(86400)) { $0 == t ? t.addingTimeInterval(3600) : nil } }
        let s = try store.stats(from: at("2026-11-28T17:00:00Z"), to: at("2026-11-29T17:00:00Z"), calendar: VenueCalendar(timeZone: hanoi))
        #expect(s.visits == 2)
        #expect(s.denied == 1)
        #expect(s.byMethod == ["manual": 1, "hc1": 1])
        #expect(s.byHour[8] == 1 && s.byHour[9] == 1)
        #expect(s.autoClosed == 1)
        #expect(s.insideNow == 1)
        let closed = try #require(try store.visit(code: entries[0].code))
        #expect(closed.status == .autoClosed)
        #expect(closed.checkedOutAt == nil)
        #expect(try store.audit().ok)
    }
}
