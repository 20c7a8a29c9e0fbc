import Foundation
import Testing
import KioskCore
import Records
@testable import Gate

@Suite struct MaintenanceTests {
    @Test func midnightAutoCheckoutMarksNotFakesTheExit() throws {
        let h = try Harness()
        let e = try #require(try h.checkIn("Forgetful").recorded)
        h.clock.set("2026-11-29T23:59:00+07:00")
        #expect(try h.gate.autoCheckout().isEmpty)
        h.clock.set("2026-11-30T07:00:00+07:00")
        let closed = try h.gate.autoCheckout()
        #expect(closed.map(\.code) == [e.code])
        let v = try #require(try h.gate.visit(code: e.code))
        #expect(v.status == .autoClosed)
        #expect(v.checkedOutAt == nil)
        #expect(v.autoClosedAt == ISOTime.parse("2026-11-30T00:00:00+07:00"))
        #expect(try h.gate.stats(day: VenueDay("2026-11-29")!).autoClosed == 1)
        #expect(try h.gate.autoCheckout().isEmpty)
        #expect(try h.gate.audit().ok)
    }

    @Test func afterHoursAndOff() throws {
        let h = try Harness { $0.records.autoCheckout = .after(12 * 3600) }
        let e = try #require(try h.checkIn("A").recorded)
        h.clock.set("2026-11-29T19:59:00+07:00")
        #expect(try h.gate.autoCheckout().isEmpty)
        h.clock.set("2026-11-29T20:00:00+07:00")
        #expect(try h.gate.autoCheckout().map(\.code) == [e.code])
        let off = try Harness { $0.records.autoCheckout = .off }
        _ = try off.checkIn("B")
        off.clock.set("2026-12-05T08:00:00+07:00")
        #expect(try off.gate.autoCheckout().isEmpty)
    }

    @Test func dailyExportCatchesUpMissedDaysOnce() throws {
        let h = try Harness(now: "2026-11-27T09:00:00+07:00")
        defer { try? FileManager.default.removeItem(atPath: h.dir) }
        _ = try h.checkIn("Day one")
        h.clock.set("2026-11-28T09:00:00+07:00")
        _ = try h.checkIn("Day two")
        h.clock.set("2026-11-30T00:04:00+07:00")
        // Before 00:05 the 29th is not yet due.
        #expect(try h.gate.runDailyExports().map(\.path).compactMap { $0.map { ($0 as NSString).lastPathComponent } } == [
            "entries-demo-2026-11-27.csv", "entries-demo-2026-11-28.csv",
        ])
        h.clock.set("2026-11-30T00:06:00+07:00")
        let next = try h.gate.runDailyExports()
        #expect(next.map(\.rows) == [0])
        #expect(try h.gate.runDailyExports().isEmpty)
        let file = h.dir + "/exports/entries-demo-2026-11-27.csv"
        let attrs = try FileManager.default.attributesOfItem(atPath: file)
        #expect(attrs[.posixPermissions] as? Int == 0o600)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("Day one") && !text.contains("Day two"))
        let sum = try String(contentsOfFile: file + ".sha256", encoding: .utf8)
        #expect(sum.hasSuffix("  entries-demo-2026-11-27.csv\n"))
        #expect(try h.gate.audit().ok)
    }

    @Test func failedExportLeavesNoFileAndIsRetried() throws {
        let h = try Harness(now: "2026-11-28T09:00:00+07:00") { $0.records.exportDir = "/proc/kiosk-cannot-write-here" }
        _ = try h.checkIn("A")
        h.clock.set("2026-11-29T09:00:00+07:00")
        let report = h.gate.runMaintenance()
        #expect(report.failures.count == 1)
        #expect(report.exported.isEmpty)
        #expect(try h.gate.store.exportedDays().isEmpty)
    }

    @Test func purgeRemovesOldVisitsAndTheirExports() throws {
        let h = try Harness(now: "2026-10-01T09:00:00+07:00") { $0.records.retentionDays = 30 }
        defer { try? FileManager.default.removeItem(atPath: h.dir) }
        let old = try #require(try h.checkIn("Old").recorded)
        _ = try h.gate.export(from: VenueDay("2026-10-01")!, to: VenueDay("2026-10-01")!, format: .csv, masked: true, destination: .defaultFile, requestedBy: "t")
        h.clock.set("2026-11-29T09:00:00+07:00")
        let recent = try #require(try h.checkIn("Recent").recorded)
        let report = h.gate.runMaintenance()
        #expect(report.autoClosed.map(\.code) == [old.code])
        #expect(report.purged == 1)
        #expect(try h.gate.visit(code: old.code) == nil)
        #expect(try h.gate.visit(code: recent.code) != nil)
        #expect(!FileManager.default.fileExists(atPath: h.dir + "/exports/entries-demo-2026-10-01.csv"))
        #expect(try h.gate.audit().ok)
        // Once a day: a second run the same day purges nothing more.
        #expect(h.gate.runMaintenance().purged == 0)
    }

    /// Evacuation roll calls hold names and hosts like the exports beside them: the purge
    /// removes those of purged days, and keeps the recent ones and files it did not write.
    @Test func purgeRemovesOldRollCalls() throws {
        let h = try Harness(now: "2026-10-01T09:00:00+07:00") { $0.records.retentionDays = 30 }
        defer { try? FileManager.default.removeItem(atPath: h.dir) }
        _ = try h.checkIn("Old Inside")
        let old = try h.gate.saveRollCall()
        #expect(FileManager.default.fileExists(atPath: old.path))
        h.clock.set("2026-11-29T09:00:00+07:00")
        _ = try h.checkIn("Recent Inside")
        let recent = try h.gate.saveRollCall()
        let foreign = h.dir + "/exports/rollcall-notes.txt"
        #expect(FileManager.default.createFile(atPath: foreign, contents: Data("x".utf8)))
        #expect(h.gate.runMaintenance().purged == 1)
        #expect(!FileManager.default.fileExists(atPath: old.path), "\(old.path) survived the purge")
        #expect(FileManager.default.fileExists(atPath: recent.path))
        #expect(FileManager.default.fileExists(atPath: foreign))
    }

    @Test func unmaskedExportIsRecordedInTheChain() throws {
        let h = try Harness()
        defer { try? FileManager.default.removeItem(atPath: h.dir) }
        _ = try h.checkIn("A", phone: "0912345678")
        let before = try h.gate.audit().events
        nonisolated(unsafe) var bytes: [UInt8] = []
        let r = try h.gate.export(from: h.gate.today(), to: h.gate.today(), format: .csv, masked: false, destination: .stream { bytes += $0 }, requestedBy: "Chị Hoa")
        #expect(r.rows == 1)
        #expect(String(decoding: bytes, as: UTF8.self).contains("0912345678"))
        let report = try h.gate.audit()
        #expect(report.events == before + 1)
        #expect(report.ok)
        #expect(throws: RuleViolation(.invalidRange)) {
            try h.gate.export(from: VenueDay("2026-11-30")!, to: VenueDay("2026-11-29")!, format: .csv, masked: true, destination: .defaultFile, requestedBy: "x")
        }
    }
}
