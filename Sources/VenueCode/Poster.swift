import CCairo
import Foundation

/// An A4 entrance poster: venue name, address and gate in large type, the QR code with its
/// symbol at least 15 × 15 cm (Hanoi's minimum for venue codes), instructions in Vietnamese
/// and English, the venue id and the print date. Laid out in millimetres once and drawn the
/// same way to PDF (vector) and to PNG at 300 dpi.
public struct Poster: Sendable {
    public var venueName: String
    public var address: String
    public var gate: String
    public var venueID: String
    /// `2026-11-29`: printed so an outdated poster is recognisable.
    public var printDate: String
    public var payload: String

    public init(venueName: String, address: String, gate: String, venueID: String, printDate: String, payload: String) {
        self.venueName = venueName.precomposedStringWithCanonicalMapping
        self.address = address.precomposedStringWithCanonicalMapping
        self.gate = gate
        self.venueID = venueID
        self.printDate = printDate
        self.payload = payload
    }

    static let pageWidth = 210.0
    static let pageHeight = 297.0
    static let minimumSymbol = 150.0
    static let pointsPerMM = 72.0 / 25.4
    static let pixelsPerMM = 300.0 / 25.4
    static let font = "DejaVu Sans"

    public static let instructionVI = "Quét mã QR để khai báo khi vào cổng"
    public static let instructionEN = "Scan to check in"

    /// Posters use error-correction level Q: they get scuffed, folded and taped over.
    public func matrix() throws(VenueCodeError) -> QRMatrix {
        try QRMatrix.encode(payload, level: .quartile)
    }

    /// The module size in mm: a whole number of pixels at 300 dpi, so the PNG is crisp, and
    /// at least 150 mm for the whole symbol.
    static func moduleMM(for matrix: QRMatrix) -> Double {
        let pixels = (minimumSymbol * pixelsPerMM / Double(matrix.size)).rounded(.up)
        return pixels / pixelsPerMM
    }

    public func pdf() throws(VenueCodeError) -> [UInt8] {
        let m = try matrix()
        return try CairoCanvas.render(
            .pdf(width: Self.pageWidth * Self.pointsPerMM, height: Self.pageHeight * Self.pointsPerMM),
            what: "poster PDF", title: "\(venueName) — \(gate)"
        ) { cr throws(VenueCodeError) in
            cairo_scale(cr, Self.pointsPerMM, Self.pointsPerMM)
            draw(cr, m)
        }
    }

    public func png() throws(VenueCodeError) -> [UInt8] {
        let m = try matrix()
        let w = Int((Self.pageWidth * Self.pixelsPerMM).rounded())
        let h = Int((Self.pageHeight * Self.pixelsPerMM).rounded())
        return try CairoCanvas.render(.png(width: w, height: h), what: "poster PNG") { cr throws(VenueCodeError) in
            cairo_scale(cr, Self.pixelsPerMM, Self.pixelsPerMM)
            draw(cr, m)
        }
    }

    /// The layout, top to bottom, in millimetres.
    func draw(_ cr: OpaquePointer, _ m: QRMatrix) {
        let module = Self.moduleMM(for: m)
        let symbol = module * Double(m.size)
        let quiet = module * Double(TerminalQR.quietZone)
        let textWidth = Self.pageWidth - 24
        var y = 14.0
        y = text(cr, venueName, size: 11, bold: true, top: y, maxWidth: textWidth)
        if !address.isEmpty { y = text(cr, address, size: 5, bold: false, top: y + 2, maxWidth: textWidth) }
        y = text(cr, "Cổng / Gate: \(gate)", size: 6.5, bold: true, top: y + 2.5, maxWidth: textWidth)
        let symbolTop = max(y + quiet, 50)
        let left = (Self.pageWidth - symbol) / 2
        // Whole pixels at 300 dpi keep every module the same width in the PNG.
        let snappedLeft = (left * Self.pixelsPerMM).rounded() / Self.pixelsPerMM
        let snappedTop = (symbolTop * Self.pixelsPerMM).rounded() / Self.pixelsPerMM
        cairo_save(cr)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
        CairoCanvas.fillQR(cr, m, x: snappedLeft, y: snappedTop, module: module)
        cairo_restore(cr)
        var below = snappedTop + symbol + quiet
        below = text(cr, Self.instructionVI, size: 6.5, bold: true, top: below, maxWidth: textWidth)
        below = text(cr, Self.instructionEN, size: 5.5, bold: false, top: below + 1.5, maxWidth: textWidth)
        _ = text(cr, "\(venueID) · \(printDate)", size: 3.2, bold: false, top: max(below + 2, Self.pageHeight - 10), maxWidth: textWidth)
    }

    /// Draws one centred line, shrunk until it fits `maxWidth`; returns the y below it.
    /// `size` is the font size in mm (cap height about 0.7 of it).
    func text(_ cr: OpaquePointer, _ string: String, size: Double, bold: Bool, top: Double, maxWidth: Double) -> Double {
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_select_font_face(cr, Self.font, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        var fontSize = size
        var extents = cairo_text_extents_t()
        while true {
            cairo_set_font_size(cr, fontSize)
            cairo_text_extents(cr, string, &extents)
            if extents.x_advance <= maxWidth || fontSize < 2 { break }
            fontSize *= 0.92
        }
        let baseline = top + fontSize
        cairo_move_to(cr, (Self.pageWidth - extents.x_advance) / 2, baseline)
        cairo_show_text(cr, string)
        return baseline + fontSize * 0.3
    }
}
