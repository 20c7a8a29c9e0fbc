import ArgumentParser
import Building
import Foundation
import Gate
import KioskCore

struct ListCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument { case text, csv, json }

    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List visits of a day, or everyone inside now (the evacuation roll call with --inside).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Venue day YYYY-MM-DD (default: today; with --inside: any day).") var date: String?
    @Flag(help: "Only visitors still inside.") var inside = false
    @Option(help: "Search names, organisations, hosts, codes, badges; diacritics and case are ignored.") var search: String?
    @Flag(help: "Print JSON (same as --format json).") var json = false
    @Option(help: "text, csv or json.") var format: Format = .text
    @Flag(help: "With --inside: the whole building (every gate, from this gate's replica of the building log), with a gate column.")
    var building = false

    func validate() throws {
        if building && (!inside || search != nil || date != nil) { throw Context.usage("--building goes with --inside (the building's roll call), without --date or --search") }
    }

    func run() throws {
        let context = try Context.make(global)
        if building { return try buildingRollCall(context) }
        let day: VenueDay? = (inside && date == nil) ? nil : try context.day(date)
        let entries: [Entry]
        do {
            entries = try context.gate.list(day: day, insideOnly: inside, search: search)
        } catch {
            throw context.fail(error)
        }
        let cal = context.calendar
        switch json ? .json : format {
        case .json:
            writeOut(JSONOutput.encode(entries.map { EntryView($0, calendar: cal) }) + "\n")
        case .csv:
            writeOut(RollCall.csv(entries, calendar: cal))
        case .text:
            var out = ""
            for e in entries {
                let time = inside ? cal.localTimestamp(e.checkedInAt) : cal.localTime(e.checkedInAt)
                let cells = [
                    time, e.code, pad(e.details.name, 24), pad(e.badge.map { "#" + $0 } ?? "", 6),
                    pad(e.details.host ?? "", 16), pad(e.details.organisation ?? "", 16),
                    e.status == .inside ? "" : e.status.rawValue,
                ]
                out += cells.joined(separator: "  ").trimmedRight() + "\n"
            }
            writeOut(out)
        }
    }

    /// Everyone inside the building as this gate knows it, and how old the other gates' part
    /// is: it works offline, so the age is part of the answer.
    private func buildingRollCall(_ context: Context) throws {
        let gate = context.gate
        guard gate.config.building.database != nil else {
            throw Context.usage("no building log configured: set [building] database in \(gate.config.source)")
        }
        let entries: [Entry]
        let pulledAt: Date?
        do {
            entries = try gate.store.insideEverywhere()
            pulledAt = try gate.store.meta(GateSync.pulledAtMeta).flatMap(Int64.init).map { Date(timeIntervalSince1970: Double($0) / 1000) }
        } catch {
            throw context.fail(error)
        }
        let cal = context.calendar
        let now = gate.clock.now()
        let age = pulledAt.map { Int(max(0, now.timeIntervalSince($0)).rounded()) }
        let freshness = pulledAt.map { "other gates as of \(cal.localTimestamp($0)) (\(age ?? 0) s ago)" } ?? "other gates never synced"
        switch json ? .json : format {
        case .json:
            struct Out: Encodable {
                var inside: Int
                var data_as_of: String?
                var age_seconds: Int?
                var visits: [EntryView]
            }
            writeOut(JSONOutput.encode(Out(inside: entries.count, data_as_of: pulledAt.map(ISOTime.format), age_seconds: age,
                visits: entries.map { EntryView($0, calendar: cal) })) + "\n")
        case .csv:
            printError("\(entries.count) inside the building; \(freshness)")
            writeOut(RollCall.csv(entries, calendar: cal, gateColumn: true))
        case .text:
            var out = "\(entries.count) inside the building · \(freshness)\n"
            for e in entries {
                let cells = [
                    cal.localTimestamp(e.checkedInAt), pad(e.gate, 10), e.code, pad(e.details.name, 24), pad(e.badge.map { "#" + $0 } ?? "", 6),
                    pad(e.details.host ?? "", 16), pad(e.details.organisation ?? "", 16),
                ]
                out += cells.joined(separator: "  ").trimmedRight() + "\n"
            }
            writeOut(out)
        }
    }

    private func pad(_ s: String, _ width: Int) -> String {
        let clean = TextFolding.clean(s)
        if clean.count >= width { return String(clean.prefix(width - 1)) + "…" }
        return clean + String(repeating: " ", count: width - clean.count)
    }
}

extension String {
    func trimmedRight() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
