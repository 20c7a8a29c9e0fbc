import ArgumentParser
import Foundation
import Gate
import KioskCore

extension ExportOptions.Format: ExpressibleByArgument {}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export visits to CSV or JSON lines (masked unless --unmasked, which is audited).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "One venue day YYYY-MM-DD (default: today).") var date: String?
    @Option(help: "First day of a range.") var from: String?
    @Option(help: "Last day of a range.") var to: String?
    @Option(help: "csv or jsonl.") var format: ExportOptions.Format = .csv
    @Option(help: "FILE, or - for standard output (default: <export_dir>/entries-<venue>-<date>.csv plus .sha256).") var output: String?
    @Flag(help: "Full id numbers and phones; the request is recorded in the audit chain.") var unmasked = false
    @Option(name: .customLong("by"), help: "Who asks for the export (default: $KIOSK_GUARD or the login name).") var requestedBy: String?

    func validate() throws {
        if date != nil && (from != nil || to != nil) { throw Context.usage(global, .usageDateOrRange) }
        if (from == nil) != (to == nil) { throw Context.usage(global, .usageTogether, ["--from", "--to"]) }
        // Dates are checked in `run`, where the message can be in the configured language.
    }

    func run() throws {
        let context = try Context.make(global)
        for d in [date, from, to].compactMap({ $0 }) where VenueDay(d) == nil { throw context.usage(.invalidDate, [d]) }
        let first = try context.day(from ?? date)
        let last = try context.day(to ?? date)
        guard first <= last else { throw context.usage(.invalidRange) }
        let destination: ExportDestination
        switch output {
        case nil: destination = .defaultFile
        case "-"?: destination = .stream { chunk in FileHandle.standardOutput.write(Data(chunk)) }
        case let path?:
            try context.refuseOwnFile(path)
            destination = .file(path)
        }
        let env = ProcessInfo.processInfo.environment
        let who = requestedBy ?? env["KIOSK_GUARD"] ?? env["USER"] ?? "supervisor"
        do {
            let result = try context.gate.export(
                from: first, to: last, format: format, masked: !unmasked, destination: destination, requestedBy: who)
            if let path = result.path {
                writeOut(L10n.text(.exportWritten, context.language, [String(result.rows), path]) + "\n")
            }
            if unmasked { printError(L10n.text(.unmaskedAudited, context.language)) }
        } catch {
            throw context.fail(error)
        }
    }
}
