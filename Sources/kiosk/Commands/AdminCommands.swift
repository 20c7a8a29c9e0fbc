import ArgumentParser
import Foundation
import Gate
import KioskCore

struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge", abstract: "Delete visits older than the retention period; the hash chain stays verifiable.")

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("older-than"), help: "Days to keep (default: [records] retention_days).") var olderThan: Int?

    func validate() throws {
        // The same bound as [records] retention_days: beyond it the cutoff date is absurd.
        if let d = olderThan, !(0...3650).contains(d) { throw Context.usage(global, .usageOlderThanRange) }
    }

    func run() throws {
        let context = try Context.make(global)
        do {
            let days = olderThan ?? context.gate.config.records.retentionDays
            let n = try context.gate.purge(olderThan: days)
            writeOut(L10n.text(.purged, context.language, [String(n), String(days)]) + "\n")
        } catch {
            throw context.fail(error)
        }
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check SQLite integrity and the hash chain; exit 1 with the first bad row if anything was tampered with.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let context = try Context.make(global, autoCheckout: false)
        let report: AuditReport
        do {
            report = try context.gate.audit()
        } catch {
            throw context.fail(error)
        }
        if json {
            struct Out: Encodable {
                var ok: Bool
                var events: Int
                var visits: Int
                var head: String
                var problem: String?
            }
            writeOut(JSONOutput.encode(Out(ok: report.ok, events: report.events, visits: report.visits, head: report.headHash, problem: report.problem)) + "\n")
        } else if report.keyDiffers {
            printError(L10n.text(.auditWrongKey, context.language, [context.gate.config.records.keyFile]))
        } else if let problem = report.problem {
            printError(L10n.text(.auditBad, context.language, [problem]))
        } else {
            writeOut(L10n.text(.auditOK, context.language, [String(report.events), String(report.visits)]) + "\n")
            writeOut("head \(report.headHash)\n")
        }
        if !report.ok { throw ExitCode(1) }
    }
}

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Visits of a day, inside now, by method, by category and by hour.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Venue day YYYY-MM-DD (default: today).") var date: String?
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let context = try Context.make(global)
        let day = try context.day(date)
        let yesterday = context.calendar.day(adding: -1, to: day)
        let stats: DayStats
        let before: DayStats
        do {
            stats = try context.gate.stats(day: day)
            before = try context.gate.stats(day: yesterday)
        } catch {
            throw context.fail(error)
        }
        if json {
            struct Out: Encodable {
                var date: String
                var stats: DayStats
                var previous_day_auto_closed: Int
            }
            writeOut(JSONOutput.encode(Out(date: "\(day)", stats: stats, previous_day_auto_closed: before.autoClosed)) + "\n")
            return
        }
        let en = context.language == .en
        var out = "\(day)  \(context.gate.config.venue.name)\n"
        out += (en ? "visits" : "lượt vào") + ": \(stats.visits)   " + (en ? "refused" : "từ chối") + ": \(stats.denied)   "
        out += (en ? "inside now" : "đang ở trong") + ": \(stats.insideNow)"
        if context.gate.config.venue.capacity > 0 { out += "/\(context.gate.config.venue.capacity)" }
        out += "\n"
        let lang = context.language
        let records = context.gate.config.records
        out += (en ? "by method" : "theo cách") + ": " + stats.byMethod.sorted { $0.key < $1.key }.map { "\(L10n.method($0.key, lang)) \($0.value)" }.joined(separator: ", ") + "\n"
        out += (en ? "by category" : "theo loại") + ": " + stats.byCategory.sorted { $0.key < $1.key }.map { "\(records.categoryName($0.key, lang)) \($0.value)" }.joined(separator: ", ") + "\n"
        let peak = max(1, stats.byHour.max() ?? 1)
        for (hour, n) in stats.byHour.enumerated() where n > 0 {
            out += String(format: "%02d:00 %5d ", hour, n) + String(repeating: "█", count: max(1, n * 40 / peak)) + "\n"
        }
        if stats.autoClosed > 0 {
            out += L10n.text(.autoClosedYesterday, context.language, [String(stats.autoClosed), "\(day)"]) + "\n"
        }
        if before.autoClosed > 0 {
            out += L10n.text(.autoClosedYesterday, context.language, [String(before.autoClosed), "\(yesterday)"]) + "\n"
        }
        writeOut(out)
    }
}

struct MaintenanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract: "Run the daily jobs now: automatic check-out, retention purge, daily exports (for cron; the kiosk runs them by itself).")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let context = try Context.make(global, autoCheckout: false)
        let report = context.gate.runMaintenance()
        var out = "auto-closed: \(report.autoClosed.count)\npurged: \(report.purged)\n"
        for e in report.exported { out += "exported: \(e.path ?? "-") (\(e.rows))\n" }
        writeOut(out)
        for f in report.failures { printError(f) }
        if !report.failures.isEmpty { throw ExitCode(1) }
    }
}
