import ArgumentParser
import Gate
import KioskCore

struct TraceCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument { case text, csv, json }

    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Everyone whose visit overlapped a visit (plus a margin), with the overlap in minutes.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entry code of the visit to trace.") var code: String
    @Option(help: "Widen the visit on both sides, e.g. 15m, 1h.") var margin = "15m"
    @Flag(help: "Print JSON.") var json = false
    @Option(help: "text, csv or json.") var format: Format = .text

    func run() throws {
        let context = try Context.make(global)
        guard let seconds = DurationText.parse(margin) else { throw context.usage(.invalidMargin, [margin]) }
        let (target, contacts): (Entry, [TraceContact])
        do {
            (target, contacts) = try context.gate.trace(code: code, margin: seconds)
        } catch {
            throw context.fail(error)
        }
        let cal = context.calendar
        struct Row: Encodable {
            var overlap_minutes: Int
            var exit_time_unknown: Bool
            var visit: EntryView
        }
        struct Report: Encodable {
            var visit: EntryView
            var margin_minutes: Int
            var contacts: [Row]
        }
        let rows = contacts.map { Row(overlap_minutes: $0.overlapMinutes, exit_time_unknown: $0.endUncertain, visit: EntryView($0.entry, calendar: cal)) }
        switch json ? .json : format {
        case .json:
            writeOut(JSONOutput.encode(Report(visit: EntryView(target, calendar: cal), margin_minutes: Int(seconds / 60), contacts: rows)) + "\n")
        case .csv:
            var out = "\u{FEFF}code,name,phone,organisation,host,time_in,time_out,overlap_minutes,exit_time_unknown\r\n"
            for r in rows {
                let cells = [r.visit.code, r.visit.name, r.visit.phone ?? "", r.visit.organisation ?? "", r.visit.host ?? "",
                    r.visit.local_time_in, r.visit.local_time_out ?? "", String(r.overlap_minutes), r.exit_time_unknown ? "yes" : "no"]
                out += cells.map(RollCall.csvCell).joined(separator: ",") + "\r\n"
            }
            writeOut(out)
        case .text:
            let targetOut: String = target.checkedOutAt.map(cal.localTimestamp) ?? (target.autoClosedAt != nil ? "?" : "…")
            var out = "\(target.code)  \(target.details.name)  \(cal.localTimestamp(target.checkedInAt)) → \(targetOut)\n"
            for r in rows {
                let phone: String = r.visit.phone ?? ""
                let timeOut: String = r.visit.local_time_out ?? "…"
                let mark: String = r.exit_time_unknown ? " (?)" : ""
                out += "  \(r.overlap_minutes) min  \(r.visit.code)  \(r.visit.name)  \(phone)  \(r.visit.local_time_in) → \(timeOut)\(mark)\n"
            }
            // Every mark is explained under the list it appears in.
            if rows.contains(where: { $0.exit_time_unknown }) || target.checkedOutAt == nil {
                out += L10n.text(.traceUnknownExit, context.language) + "\n"
            }
            writeOut(out)
        }
    }
}
