import ArgumentParser
import Foundation
import Gate
import KioskCore
import Printing

/// Loads config, opens the log and builds the Gate service; turns every failure into a
/// one-line message and the documented exit status.
struct Context {
    var gate: GateService

    var language: Language { gate.language }
    var calendar: VenueCalendar { gate.calendar }

    /// - Parameter autoCheckout: close forgotten visits first, so lists and counts are true.
    static func make(_ options: GlobalOptions, autoCheckout: Bool = true) throws -> Context {
        let config = try loadConfig(options)
        let clock: any KioskClock
        if let pinned = ProcessInfo.processInfo.environment["KIOSK_NOW"], !pinned.isEmpty {
            guard let date = ISOTime.parse(pinned) else {
                throw usage("KIOSK_NOW=\(pinned): expected ISO 8601 such as 2026-11-29T08:00:00+07:00")
            }
            clock = try pinnedClock(date, rate: ProcessInfo.processInfo.environment["KIOSK_CLOCK_RATE"])
        } else {
            clock = SystemClock()
        }
        let context: Context
        do {
            context = Context(gate: try GateService.open(config: config, clock: clock))
        } catch {
            throw fail(error, config.ui.language)
        }
        if autoCheckout {
            do { try context.gate.autoCheckout() } catch { throw context.fail(error) }
        }
        return context
    }

    /// `KIOSK_NOW` alone stops the clock there; with `KIOSK_CLOCK_RATE=R` it starts there and
    /// runs R times as fast (the soak's compressed day).
    private static func pinnedClock(_ start: Date, rate: String?) throws -> any KioskClock {
        guard let rate, !rate.isEmpty else { return FixedClock(start) }
        guard let r = Double(rate), r.isFinite, r > 0 else {
            throw usage("KIOSK_CLOCK_RATE=\(rate): expected a positive number such as 60 (one minute per second)")
        }
        return AcceleratedClock(start: start, rate: r)
    }

    static func loadConfig(_ options: GlobalOptions) throws -> KioskConfig {
        let env = ProcessInfo.processInfo.environment
        let candidates = [options.config, env["KIOSK_CONFIG"], "kiosk.conf", "/etc/kiosk/kiosk.conf"]
        let explicit = options.config ?? env["KIOSK_CONFIG"]
        let path: String
        if let explicit, !explicit.isEmpty {
            path = explicit
        } else if let found = candidates.compactMap({ $0 }).first(where: { FileManager.default.fileExists(atPath: $0) }) {
            path = found
        } else {
            throw usage(L10n.text(.noConfig, .vi) + " / " + L10n.text(.noConfig, .en))
        }
        do {
            return try KioskConfig.load(path: path)
        } catch {
            throw usage(error.description)
        }
    }

    /// An output path that is one of the kiosk's own files (the log, its WAL, the key, the PIN,
    /// the config) is refused: writing a report over the key would lock the log for ever.
    func refuseOwnFile(_ output: String) throws {
        if gate.isOwnFile(output) { throw Context.usage(L10n.text(.outputIsOwnFile, language, [output])) }
    }

    /// Starts the slip printer's worker for a one-shot command (no idle looks at the printer):
    /// Gate then queues a slip for each visitor let in. Nil without `[printer] device`.
    mutating func startPrinter(onChange: @escaping @Sendable (PrinterStatus) -> Void = { _ in }) -> SlipPrinter? {
        guard let printer = SlipPrinter(settings: gate.config.printer, probeEvery: nil, onChange: onChange) else { return nil }
        printer.start()
        gate.printer = printer
        return printer
    }

    /// Waits (within the printer's deadline) for a one-shot command's slip, says on stderr
    /// when it did not print, and stops the worker. The visit is on disk whatever happens here.
    func finishPrinting(_ printer: SlipPrinter?, job: Int?) {
        guard let printer else { return }
        defer { printer.stop() }
        guard let job else { return }
        switch printer.outcome(of: job, stall: printer.jobDeadline + 1) {
        case .printed?: break
        case .unconfirmed?: printError(Context.unconfirmed(printer, language))
        case .failed(let error)?: printError(error.message(language))
        case nil: printError(PrintingError.notReading(device: printer.device.description).message(language))
        }
    }

    /// The slip went out to a printer that gives no status: said, so someone looks.
    static func unconfirmed(_ printer: SlipPrinter, _ language: Language) -> String {
        L10n.text(.slipUnconfirmed, language, [printer.device.description])
    }

    /// Prints a refusal or failure and exits 1.
    func fail(_ error: any Error) -> ExitCode { Context.fail(error, language) }

    /// A usage problem found by `validate()`, before the log is opened, said in the language
    /// of the kiosk.conf that would be used (English when none can be read): exit 2.
    static func usage(_ options: GlobalOptions, _ key: MessageKey, _ args: [String] = []) -> ExitCode {
        let env = ProcessInfo.processInfo.environment
        let path = [options.config, env["KIOSK_CONFIG"], "kiosk.conf", "/etc/kiosk/kiosk.conf"].compactMap { $0 }
            .first { !$0.isEmpty && FileManager.default.fileExists(atPath: $0) }
        let language = path.flatMap { try? KioskConfig.load(path: $0) }?.ui.language ?? .en
        return usage(L10n.text(key, language, args))
    }

    static func fail(_ error: any Error, _ language: Language, prefix: String = "") -> ExitCode {
        var text: String
        if let e = error as? LocalizedKioskError {
            text = e.message(language)
        } else if let e = error as? SecureFiles.Failure {
            text = e.description
        } else {
            text = "\(error)"
        }
        printError(prefix + text)
        return ExitCode(1)
    }

    /// Prints a usage or configuration problem and exits 2.
    static func usage(_ text: String) -> ExitCode {
        printError(text)
        return ExitCode(2)
    }

    func usage(_ key: MessageKey, _ args: [String] = []) -> ExitCode {
        Context.usage(L10n.text(key, language, args))
    }

    /// A venue day from `--date`, defaulting to today.
    func day(_ text: String?) throws -> VenueDay {
        guard let text else { return gate.today() }
        guard let day = VenueDay(text) else { throw usage(.invalidDate, [text]) }
        return day
    }
}

/// Every message to standard error, made safe for a terminal (`TextFolding.terminalSafe`).
func printError(_ text: String) {
    // A full or closed standard error is no reason to crash: the exit status still says it.
    try? FileHandle.standardError.write(contentsOf: Data((TextFolding.terminalSafe(text) + "\n").utf8))
}

/// Writes to standard output without Swift's print buffering getting in the way of order.
/// Text goes through `TextFolding.terminalSafe`: whatever a field holds (a name, a
/// certificate's country, a trust list's subject), no escape sequence reaches the terminal.
func writeOut(_ text: String) {
    writeOutBytes(Array(TextFolding.terminalSafe(text).utf8))
}

/// Bytes to standard output; a full disk or a closed pipe (`> /dev/full`) ends the command
/// with a message and exit status 1 instead of a crash (`FileHandle.write` traps on errors).
func writeOutBytes(_ bytes: [UInt8]) {
    do {
        try FileHandle.standardOutput.write(contentsOf: Data(bytes))
    } catch {
        printError("cannot write to standard output: \(error.localizedDescription)")
        Foundation.exit(1)
    }
}

/// Only for what the kiosk drew itself with its own colour codes (the venue QR on a
/// terminal); never for text that holds input.
func writeOwnTerminalDrawing(_ text: String) {
    writeOutBytes(Array(text.utf8))
}
