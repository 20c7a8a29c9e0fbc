import ArgumentParser
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

    func run() throws {
        let context = try Context.make(global)
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
