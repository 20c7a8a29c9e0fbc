import Foundation
import KioskCore
import Records

/// What the daily jobs did, for the front end to show or log.
public struct MaintenanceReport: Sendable {
    public var autoClosed: [Entry] = []
    public var purged = 0
    public var exported: [ExportResult] = []
    /// Jobs that failed; each is retried at the next run.
    public var failures: [String] = []
}

extension GateService {
    /// When a visit that checked in at `checkIn` is closed automatically, per config.
    public func autoCloseTime(for checkIn: Date) -> Date? {
        switch config.records.autoCheckout {
        case .off: return nil
        case .after(let seconds): return checkIn.addingTimeInterval(seconds)
        case .midnight: return calendar.interval(of: calendar.day(of: checkIn)).end
        }
    }

    /// Closes forgotten visits; cheap enough to run before every command.
    @discardableResult
    public func autoCheckout() throws -> [Entry] {
        guard config.records.autoCheckout != .off else { return [] }
        let now = clock.now()
        // Other gates' visits held here close by the same rule (see `autoCloseReplica`).
        // Twelve hours later than this gate's own: another gate may close later, or its clock
        // run behind; its own close arrives first whenever it is still syncing.
        _ = try store.autoCloseReplica(now: now) { autoCloseTime(for: $0)?.addingTimeInterval(12 * 3600) }
        // Looking first avoids taking the write lock when nobody is overdue (the usual case).
        // Self check-ins never confirmed are overdue too: they were left open once because
        // only `inside` was looked at, and kept a phone's `KIN:` code good for days.
        var waiting = VisitQuery()
        waiting.pendingOnly = true
        let overdue = try (store.list(VisitQuery(insideOnly: true)) + store.list(waiting)).contains { e in
            autoCloseTime(for: e.checkedInAt).map { $0 <= now } ?? false
        }
        guard overdue else { return [] }
        return try store.write { tx in
            try tx.autoClose(now: now) { autoCloseTime(for: $0) }
        }
    }

    /// Deletes visits older than `days` venue days (default: the configured retention) and
    /// the daily export files of those days.
    public func purge(olderThan days: Int? = nil) throws -> Int {
        let keep = days ?? config.records.retentionDays
        // The building log ignores a purge whose cutoff is under an hour old (a forged one
        // would wipe the day); a day is the least a gate of a building keeps.
        if config.building.database != nil, keep < 1 { throw RuleViolation(.purgeBuildingMinimum) }
        let cutoffDay = calendar.day(adding: -keep, to: today())
        let cutoff = calendar.start(of: cutoffDay)
        let removed = try store.purge(before: cutoff, at: clock.now(), retentionDays: keep)
        removeOldExports(before: cutoffDay)
        try store.setMeta("last_purge_day", "\(today())")
        return removed
    }

    /// Exports every finished day not yet exported, back to the retention limit, so days
    /// missed while the kiosk was off are caught up. A day counts as finished once
    /// `auto_export_at` has passed on the following day.
    public func runDailyExports() throws -> [ExportResult] {
        guard let at = config.records.autoExportAt, let first = try store.firstCheckIn() else { return [] }
        let now = clock.now()
        let today = today()
        let latest = calendar.day(adding: now >= calendar.date(on: today, at: at) ? -1 : -2, to: today)
        var day = max(calendar.day(of: first), calendar.day(adding: -config.records.retentionDays, to: today))
        let done = try store.exportedDays()
        var results: [ExportResult] = []
        while day <= latest {
            if !done.contains("\(day)") {
                results.append(
                    try export(from: day, to: day, format: .csv, masked: true, destination: .defaultFile,
                        requestedBy: "daily-export", dailyJob: true))
            }
            day = calendar.day(adding: 1, to: day)
        }
        return results
    }

    /// The daily jobs: automatic check-out, retention purge (once a day) and exports. Each
    /// failure is reported and the job retried next time; one failing never stops the others.
    public func runMaintenance() -> MaintenanceReport {
        var report = MaintenanceReport()
        do { report.autoClosed = try autoCheckout() } catch { report.failures.append(describe(error)) }
        do {
            if try store.meta("last_purge_day") != "\(today())" { report.purged = try purge() }
            // A purge whose bytes could not be erased at once (a reader held the checkpoint)
            // is finished here, within a minute, not at tomorrow's purge.
            try store.retryPendingErasure()
        } catch { report.failures.append(describe(error)) }
        do { report.exported = try runDailyExports() } catch { report.failures.append(describe(error)) }
        // An erasure whose export rewrite did not finish (killed, a file busy) is finished here.
        do {
            if try store.meta(Store.exportRewritePendingMeta) == "1" {
                _ = try rewriteExports(without: try store.erasedCodes())
                try store.exportRewriteDone()
            }
        } catch { report.failures.append(describe(error)) }
        return report
    }

    /// An error in the configured language.
    public func describe(_ error: any Error) -> String {
        if let e = error as? LocalizedKioskError { return e.message(language) }
        return "\(error)"
    }

    /// Removes the export files and evacuation roll calls of days before `cutoff`: they hold
    /// names (and the roll calls hosts) just like the visits the purge deleted.
    private func removeOldExports(before cutoff: VenueDay) {
        let dir = config.records.exportDir
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names {
            if let day = GateService.exportFileDay(name, venue: config.venue.id), day < cutoff {
                try? FileManager.default.removeItem(atPath: dir + "/" + name)
            }
        }
    }

    /// The venue day an export-folder file belongs to, nil for a file the kiosk did not name:
    /// `entries-<venue>-<day>[_<day>].<ext>[.sha256]` (the last day of the span decides) or
    /// `rollcall-<venue>-<YYYYMMDDHHMM…>.csv`.
    static func exportFileDay(_ name: String, venue: String) -> VenueDay? {
        let entries = "entries-\(venue)-", rollCall = "rollcall-\(venue)-"
        if name.hasPrefix(entries) {
            let span = name.dropFirst(entries.count).prefix { $0 != "." }
            return span.split(separator: "_").last.flatMap { VenueDay(String($0)) }
        }
        if name.hasPrefix(rollCall) {
            let stamp = Array(name.dropFirst(rollCall.count).prefix { $0.isNumber })
            guard stamp.count >= 8 else { return nil }
            return VenueDay("\(String(stamp[0..<4]))-\(String(stamp[4..<6]))-\(String(stamp[6..<8]))")
        }
        return nil
    }
}

extension GateService {
    /// Bytes the log's database engine holds in this process (its page caches, bounded):
    /// front ends report it beside their own memory.
    public static var databaseMemoryInUse: Int64 { Store.memoryInUse }
}
