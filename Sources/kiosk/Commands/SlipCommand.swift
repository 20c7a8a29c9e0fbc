import ArgumentParser
import Foundation
import Gate
import KioskCore
import Printing

extension SlipFormat: ExpressibleByArgument {}

/// `kiosk slip CODE`: a visit's slip, to the configured printer or to a file.
struct SlipCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slip",
        abstract: "Print a visitor's slip again, or write it as ESC/POS, PNG or PDF.",
        discussion: """
            Only for a visitor inside. A slip printed before is marked as a reprint.
            Examples:
              kiosk slip K7M2QX                          # to [printer] device
              kiosk slip K7M2QX --format png --output slip.png    # for a label printer via CUPS
              kiosk slip K7M2QX --format escpos --output /tmp/slip.bin
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The visit's entry code (or KOUT:CODE).") var code: String
    @Option(help: "escpos, png or pdf (with --output; default escpos).") var format: SlipFormat?
    @Option(help: "Write the slip to this file instead of printing it.") var output: String?

    func validate() throws {
        if format != nil && output == nil {
            throw Context.usage("--format needs --output FILE (without --output the slip goes to [printer] device)")
        }
    }

    func run() throws {
        var context = try Context.make(global)
        if let output {
            try context.refuseOwnFile(output)
            do {
                let bytes = try context.gate.renderSlip(code: code, format: format ?? .escpos)
                try context.gate.writeFile(bytes, to: output)
            } catch {
                throw context.fail(error)
            }
            var shown = TextFolding.clean(code).uppercased()
            if shown.hasPrefix("KOUT:") { shown.removeFirst(5) }
            writeOut(L10n.text(.slipWritten, context.language, [shown, output]) + "\n")
            return
        }
        let printer = context.startPrinter()
        let request: SlipRequest
        do {
            request = try context.gate.printSlip(code: code)
        } catch {
            printer?.stop()
            throw context.fail(error)
        }
        guard let printer else { return }
        defer { printer.stop() }
        switch printer.outcome(of: request.job, stall: printer.jobDeadline + 1) {
        case .unconfirmed?:
            printError(Context.unconfirmed(printer, context.language))
        case .printed?:
            writeOut(L10n.text(.slipPrinted, context.language, [request.code]) + (request.reprint ? (context.language == .vi ? " (in lại)" : " (reprint)") : "") + "\n")
        case .failed(let error)?:
            throw context.fail(error)
        case nil:
            throw context.fail(PrintingError.notReading(device: printer.device.description))
        }
    }
}
