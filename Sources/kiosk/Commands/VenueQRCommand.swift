import ArgumentParser
import Foundation
import Gate
import KioskCore

extension VenueCodeFormat: ExpressibleByArgument {}
extension TerminalQR.Style: ExpressibleByArgument {}

struct VenueQRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "venue-qr",
        abstract: "The building's check-in QR: on this terminal, as PNG/SVG, or as an A4 poster (PDF or PNG at 300 dpi).",
        discussion: """
            Examples:
              kiosk venue-qr                                  # on this terminal (rotating token)
              kiosk venue-qr --poster --output poster.pdf     # A4 poster for this gate, QR ≥ 15 cm
              kiosk venue-qr --poster --all-gates --output posters/
              kiosk venue-qr --format png --scale 10 --output qr.png
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "terminal, png, svg or pdf (default: terminal; pdf with --poster).") var format: VenueCodeFormat?
    @Flag(help: "An A4 entrance poster (PDF, or PNG at 300 dpi with --format png).") var poster = false
    @Option(help: "The file to write (a folder with --all-gates). Default: venue-qr-<venue>-<gate>.<ext> or poster-<venue>-<gate>.<ext>.") var output: String?
    @Option(help: "Encode this text instead of the venue's check-in URL.") var payload: String?
    @Option(help: "The gate (default: [venue] gate).") var gate: String?
    @Flag(name: .customLong("all-gates"), help: "One poster per gate in [venue] gates, into the --output folder.") var allGates = false
    @Option(help: "Pixels per module for PNG and SVG.") var scale = 8
    @Option(help: "Terminal drawing: half-blocks or ascii (two characters per module).") var style: TerminalQR.Style = .halfBlocks
    @Flag(name: .customLong("no-colour"), help: "No colour escape codes on the terminal.") var noColour = false

    func validate() throws {
        if !(1...64).contains(scale) { throw Context.usage(global, .usageScaleRange) }
        if allGates && !poster { throw Context.usage(global, .usageAllGatesPoster) }
        if poster && (format == .svg || format == .terminal) { throw Context.usage(global, .usagePosterFormat) }
    }

    /// The venue's own code is public (it hangs at the entrance); any other text given with
    /// --payload may not be, so it is kept private.
    var fileMode: mode_t { payload == nil ? 0o644 : 0o600 }

    func run() throws {
        let context = try Context.make(global, autoCheckout: false)
        let gate = context.gate
        let venue = gate.config.venue
        let fmt = format ?? (poster ? .pdf : .terminal)
        do {
            if allGates {
                let folder = output ?? "posters"
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                for g in venue.gates {
                    let path = folder + "/poster-\(venue.id)-\(g).\(fmt.rawValue)"
                    try gate.writeFile(try gate.venueCodeFile(format: fmt, poster: true, gate: g, payload: payload, scale: scale), to: path, mode: fileMode)
                    writeOut(path + "\n")
                }
                return
            }
            let g = self.gate ?? venue.gate
            if fmt == .terminal && output == nil {
                let size = TerminalSize.current()
                writeOwnTerminalDrawing(try gate.venueCodeScreen(gate: g, payload: payload, style: style, colour: !noColour, columns: size?.columns, rows: size?.rows))
                return
            }
            let path = output ?? "\(poster ? "poster" : "venue-qr")-\(venue.id)-\(g).\(fmt == .terminal ? "txt" : fmt.rawValue)"
            try gate.writeFile(try gate.venueCodeFile(format: fmt, poster: poster, gate: g, payload: payload, scale: scale), to: path, mode: fileMode)
            writeOut(path + "\n")
        } catch let e as CocoaError {
            throw context.fail(RuleViolation(.outputUnwritable, [output ?? "posters", e.localizedDescription]))
        } catch {
            throw context.fail(error)
        }
    }
}
