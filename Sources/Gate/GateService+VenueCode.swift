import Foundation
import KioskCore
import Records
import VenueCode

@_exported import enum VenueCode.TerminalQR
@_exported import struct VenueCode.QRMatrix
@_exported import enum VenueCode.VenueCodeError

/// The formats `kiosk venue-qr` writes.
public enum VenueCodeFormat: String, Sendable, CaseIterable {
    case terminal, png, svg, pdf
}

extension GateService {
    /// Rotating on-screen tokens and daily poster tokens; the self check-in server checks them
    /// with the same derivation.
    public var venueToken: VenueToken {
        VenueToken(secret: hasher.derivedKey("venue-token"), venueID: config.venue.id, slotMinutes: config.venue.tokenMinutes)
    }

    /// `checkin_url` with the gate, before any token.
    public func checkinURL(gate: String) -> String {
        // [checkin_web] public_url: where phones reach this kiosk's own form server.
        let base = config.checkinWeb.publicURL.map { $0.hasSuffix("/") ? $0 + "c/" + config.venue.id : $0 + "/c/" + config.venue.id }
            ?? config.venue.checkinURL ?? "http://kiosk.local:8080/c/\(config.venue.id)"
        return base + (base.contains("?") ? "&" : "?") + "g=" + gate
    }

    /// What the guard's screen shows now: the URL with the current slot's token.
    public func screenPayload(gate: String? = nil) -> String {
        VenuePayload.url(base: checkinURL(gate: gate ?? config.venue.gate), token: venueToken.token(at: clock.now()))
    }

    /// What a printed poster carries: no token, or the print day's when `poster_token = daily`.
    public func posterPayload(gate: String) -> String {
        switch config.venue.posterToken {
        case .none: return checkinURL(gate: gate)
        case .daily:
            return VenuePayload.url(base: checkinURL(gate: gate), token: venueToken.dailyToken(dayNumber: posterDayNumber()))
        }
    }

    public func validateGate(_ gate: String) throws {
        guard config.venue.gates.contains(gate) else {
            throw RuleViolation(.unknownGate, [TextFolding.clean(String(gate.prefix(40))), config.venue.gates.joined(separator: ", ")])
        }
    }

    /// Renders a venue code (or `payload` instead of the venue URL) as bytes in a file format.
    /// Posters are always A4; `scale` is pixels per module for the QR-only PNG and SVG.
    public func venueCodeFile(format: VenueCodeFormat, poster: Bool, gate: String, payload: String?, scale: Int) throws -> [UInt8] {
        try validateGate(gate)
        let text = payload ?? (poster ? posterPayload(gate: gate) : screenPayload(gate: gate))
        if poster {
            let p = Poster(
                venueName: config.venue.name, address: config.venue.address, gate: gate, venueID: config.venue.id,
                printDate: "\(today())", payload: text)
            switch format {
            case .pdf: return try p.pdf()
            case .png: return try p.png()
            case .svg, .terminal: throw VenueCodeError.renderFailed(what: "poster", status: "posters are PDF or PNG")
            }
        }
        let matrix = try QRMatrix.encode(text)
        switch format {
        case .png: return try QRImage.png(matrix, scale: scale)
        case .svg: return Array(SVGQR.render(matrix, scale: scale).utf8)
        case .pdf:
            let p = Poster(
                venueName: config.venue.name, address: config.venue.address, gate: gate, venueID: config.venue.id,
                printDate: "\(today())", payload: text)
            return try p.pdf()
        case .terminal: return Array(TerminalQR.lines(matrix, style: .halfBlocks).joined(separator: "\n").utf8)
        }
    }

    /// The code for a terminal screen of the given size (nil: exactly as large as needed),
    /// title above.
    public func venueCodeScreen(gate: String? = nil, payload: String?, style: TerminalQR.Style, colour: Bool, columns: Int?, rows: Int?) throws -> String {
        let g = gate ?? config.venue.gate
        try validateGate(g)
        let matrix = try QRMatrix.encode(payload ?? screenPayload(gate: g))
        let need = TerminalQR.size(of: matrix, style: style)
        return try TerminalQR.screen(
            matrix, title: "\(config.venue.name) · \(g)", style: style, colour: colour,
            columns: columns ?? need.columns, rows: rows ?? need.rows + 2)
    }

    /// Whether `path` is one of the kiosk's own files (the log, its WAL, the key, its seal
    /// register, the PIN, the terminal log, the config): no output may replace one, or a
    /// poster written over the key would lock the log for ever.
    public func isOwnFile(_ path: String) -> Bool {
        let c = config
        let own = [c.records.database, c.records.database + "-wal", c.records.database + "-shm", c.records.database + "-journal",
                   c.records.keyFile, c.records.keyFile + ".sealed", c.ui.pinFile, c.ui.logFile, c.source]
            .map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
        return own.contains(URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
    }

    /// Writes bytes whole: a temporary file renamed into place, so a failure leaves no part
    /// (a device or FIFO is written into instead, never replaced). Private (0600) unless the
    /// caller says the content is public: only the venue's own posters and codes are (0644);
    /// an invitation QR carries a name, host and purpose.
    public func writeFile(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws {
        if isOwnFile(path) { throw RuleViolation(.outputIsOwnFile, [path]) }
        do {
            try SecureFiles.writeAtomically(bytes, to: path, mode: mode)
        } catch let f as SecureFiles.Failure {
            throw RuleViolation(.outputUnwritable, [path, f.reason])
        }
    }
}

extension GateService {
    /// The on-screen code's slot now, and seconds until the next one: the terminal redraws
    /// the code when the slot changes and shows the countdown.
    public func screenTokenSlot() -> (slot: Int64, secondsLeft: Int) {
        let token = venueToken
        let now = clock.now()
        let slot = token.slot(at: now)
        let next = Double(slot + 1) * Double(token.slotSeconds)
        return (slot, max(0, Int((next - now.timeIntervalSince1970).rounded(.up))))
    }
}

extension GateService {
    /// The day number a daily poster token is made for (the day of `date`, default today):
    /// days since the epoch in the venue's zone.
    func posterDayNumber(at date: Date? = nil) -> Int64 {
        let day = date.map { calendar.day(of: $0) } ?? today()
        return Int64((calendar.start(of: day).timeIntervalSince1970 + Double(config.venue.timeZone.secondsFromGMT())) / 86400)
    }
}

extension GateService {
    /// A QR code as SVG markup (the self check-in confirmation, drawn inline in the page).
    public func qrSVG(_ payload: String, scale: Int = 8, declaration: Bool = true) throws -> String {
        SVGQR.render(try QRMatrix.encode(payload), scale: scale, declaration: declaration)
    }
}
