import ArgumentParser
import Foundation
import Gate
import KioskCore
import CheckinWeb
import Printing
import TerminalUI

/// `kiosk` with no command: the full-screen guard terminal on a TTY. With `--plain`, or when
/// stdin is not a terminal (a script, a pipe), a line prompt over the same Gate service.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Start the guard terminal (the default).")

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("guard"), help: "The guard on duty (default: $KIOSK_GUARD or the login name).") var guardName: String?
    @Flag(help: "A line prompt instead of the full-screen terminal.") var plain = false

    func run() throws {
        let context = try Context.make(global, autoCheckout: false)
        let env = ProcessInfo.processInfo.environment
        let who = guardName ?? env["KIOSK_GUARD"] ?? env["USER"] ?? "guard"
        if !plain, isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 {
            let gate = context.gate
            // Start-up has run (configuration, the log opened and migrated): give back the
            // code pages it mapped around what it ran (CodePages).
            CodePages.release()
            let status = GuardTerminal.run(gate: gate, guardName: who) { log in
                // In-process: one Gate, one database pool; see docs/DECISIONS.md.
                guard gate.config.checkinWeb.enabled else { return nil }
                let web = WebService()
                web.start(gate: gate, handleSignals: false, log: log)
                log("web: serving on \(gate.config.checkinWeb.host):\(gate.config.checkinWeb.port)")
                return { web.stop() }
            }
            if status != 0 { throw ExitCode(status) }
            return
        }
        try linePrompt(context, who: who)
    }

    private func linePrompt(_ context: Context, who: String) throws {
        var context = context
        // Slips print from the worker; a slip that did not print is said once, on stderr.
        let said = LastSaid()
        let language = context.language
        let noStatus = LastSaid()
        let device = context.gate.config.printer.device?.description ?? ""
        let printer = context.startPrinter { status in
            if status.unconfirmed, noStatus.swap("said") != "said" { printError(L10n.text(.slipUnconfirmed, language, [device])) }
            guard let f = status.lastFailure, said.swap(String(f.number)) != String(f.number) else { return }
            printError("\(f.code): \(f.error.message(language))")
        }
        // At the end of the input, the slips still queued print before the prompt exits (for as
        // long as the printer keeps taking bytes); any that could not are said.
        defer {
            if let printer, !printer.drain(stall: printer.jobDeadline + 1) {
                printError(PrintingError.notReading(device: device).message(language))
            }
            printer?.stop()
        }
        let gate = context.gate
        let lang = context.language
        var lastMaintenance = Date.distantPast

        func maintain() {
            guard Date().timeIntervalSince(lastMaintenance) >= 60 else { return }
            lastMaintenance = Date()
            let report = gate.runMaintenance()
            for f in report.failures { printError(f) }
        }
        func say(_ text: String) { writeOut(text + "\n") }

        maintain()
        say("\(gate.config.venue.name) · \(gate.config.venue.gate)")
        say(L10n.text(.promptHelp, lang))
        for raw in LineReader(handle: .standardInput) {
            maintain()
            // A scanned code goes to the Gate untouched (Base45 has meaningful spaces).
            let scanned = raw.trimmingCharacters(in: .newlines)
            if ScanKind.classify(scanned) != .unknown || ScanKind.looksLikeWrongKeyboardLayout(scanned) {
                do {
                    let outcome = try gate.scan(scanned, guardName: who)
                    let decision = outcome.checkIn?.decision ?? outcome.report.decision
                    say(["admit": "ĐƯỢC VÀO / ADMIT", "check": "KIỂM TRA / CHECK", "deny": "KHÔNG ĐƯỢC VÀO / DENY"][decision.verdict.rawValue] ?? "")
                    if let name = outcome.report.holderName { say(TextFolding.clean(name)) }
                    for r in decision.reasons { say(r.text(lang)) }
                    if let e = outcome.checkIn?.recorded { say(e.code) }
                    if let out = outcome.checkOut { say(gate.message(for: out)) }
                } catch {
                    say(gate.describe(error))
                }
                continue
            }
            let line = TextFolding.clean(raw)
            if line.isEmpty {
                writeOut("> ")
                continue
            }
            do {
                switch line.lowercased() {
                case "q", "quit", "exit", "thoat", "thoát":
                    return
                case "?", "help", "h":
                    say(L10n.text(.promptHelp, lang))
                case "ls", "ds", "list":
                    for e in try gate.list(day: nil, insideOnly: true, search: nil) {
                        say("\(gate.calendar.localTime(e.checkedInAt))  \(e.code)  \(e.details.name)  \(e.badge.map { "#" + $0 } ?? "")")
                    }
                default:
                    try handle(line, gate: gate, guardName: who, say: say)
                }
            } catch {
                say(gate.describe(error))
            }
        }
    }

    private func handle(_ line: String, gate: GateService, guardName: String, say: (String) -> Void) throws {
        let lang = gate.language
        func closed(_ r: GateService.CheckOutResult) { say(gate.message(for: r)) }
        if line.uppercased().hasPrefix("KOUT:") {
            return closed(try gate.checkOut(code: line))
        }
        if line.count <= 6, line.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return closed(try gate.checkOut(badge: line))
        }
        if let code = EntryCode.normalise(line), line == line.uppercased(), try gate.visit(code: code) != nil {
            return closed(try gate.checkOut(code: code))
        }
        let result = try gate.checkIn(CheckInRequest(details: VisitorDetails(name: line), guardName: guardName))
        if let e = result.recorded { say("\(e.code)  \(e.details.name)") }
        for r in result.decision.reasons { say(r.text(lang)) }
        for w in result.warnings { say(w.text(lang)) }
    }
}
