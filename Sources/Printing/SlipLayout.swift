import CCairo
import KioskCore
import VenueCode

/// A slip laid out once in printer dots (203 dpi) and then drawn the same way to the raster a
/// receipt printer gets, to PNG and to PDF. Text is measured with the font it is drawn with and
/// wrapped at word boundaries, or between letters for a word wider than the paper, never
/// inside a letter: a name with stacked diacritics keeps all its marks.
struct SlipLayout {
    enum Item {
        case text(String, x: Double, baseline: Double, size: Double, bold: Bool, onInk: Bool)
        case box(x: Double, y: Double, width: Double, height: Double)
        case qr(QRMatrix, x: Double, y: Double, module: Double)
    }

    let width: Int
    private(set) var height = 0
    /// Left and right margin in dots.
    private(set) var margin = 8.0
    private(set) var items: [Item] = []

    static let font = "DejaVu Sans"
    /// Tallest slip drawn: a hostile name can make many lines, never an endless roll.
    static let maxHeight = 4000

    /// Dots at 203 dpi per PDF point.
    static let dotsPerPoint = 203.2 / 72

    static func make(_ slip: Slip, paper: PrinterSettings.Paper) throws(PrintingError) -> SlipLayout {
        let matrix: QRMatrix
        do {
            // Level M: a slip is handled, not weathered like a poster, and M keeps the modules big.
            matrix = try QRMatrix.encode(slip.checkoutPayload, level: .medium)
        } catch {
            throw .render("QR: \(error)")
        }
        // A scratch surface for measuring; the real one is made once the height is known.
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1) else { throw .render("no surface") }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { throw .render("no context") }
        defer { cairo_destroy(cr) }
        var layout = SlipLayout(width: paper.dots)
        layout.build(slip, matrix, cr)
        return layout
    }

    private init(width: Int) { self.width = width }

    private mutating func build(_ slip: Slip, _ matrix: QRMatrix, _ cr: OpaquePointer) {
        let s = Double(width) / 384
        margin = (8 * s).rounded()
        let inner = Double(width) - 2 * margin
        var y = margin

        if let when = slip.reprintedAt {
            let h = (36 * s).rounded()
            items.append(.box(x: 0, y: y, width: Double(width), height: h))
            let size = fitSize("BẢN IN LẠI / REPRINT \(when)", start: 22 * s, bold: true, width: inner, cr)
            let text = "BẢN IN LẠI / REPRINT \(when)"
            let w = measure(text, size: size, bold: true, cr)
            items.append(.text(text, x: (Double(width) - w) / 2, baseline: y + (h + size * 0.72) / 2, size: size, bold: true, onInk: true))
            y += h + 8 * s
        }
        y = paragraph(slip.venueName, size: 26 * s, bold: true, centred: true, top: y, left: margin, width: inner, maxLines: 3, cr)
        y = paragraph("Cổng / Gate: \(slip.gate)", size: 20 * s, bold: false, centred: true, top: y + 2 * s, left: margin, width: inner, maxLines: 2, cr)
        y = rule(y + 8 * s, left: margin, width: inner, s) + 8 * s
        // The name in full where it can be: a long one is set smaller to fit four lines, and
        // only past eight lines at the smallest size does it end in "…" (the QR below must
        // always be on the slip).
        var nameSize = 34 * s
        while nameSize > 20 * s, lineCount(slip.name, size: nameSize, bold: true, width: inner, cr) > 4 { nameSize *= 0.9 }
        y = paragraph(slip.name, size: nameSize, bold: true, centred: false, top: y, left: margin, width: inner, maxLines: 8, cr)
        if let org = slip.organisation {
            y = paragraph(org, size: 22 * s, bold: false, centred: false, top: y + 2 * s, left: margin, width: inner, maxLines: 3, cr)
        }
        y += 6 * s
        if let host = slip.host {
            y = paragraph("Gặp / Visiting: \(host)", size: 20 * s, bold: false, centred: false, top: y, left: margin, width: inner, maxLines: 3, cr)
        }
        y = paragraph("Vào / In: \(slip.timeIn)", size: 20 * s, bold: false, centred: false, top: y, left: margin, width: inner, maxLines: 2, cr)
        if let badge = slip.badge {
            y = paragraph("Thẻ / Badge: \(badge)", size: 24 * s, bold: true, centred: false, top: y, left: margin, width: inner, maxLines: 2, cr)
        }
        if let until = slip.validUntil {
            y = paragraph("Hiệu lực đến / Valid until: \(until)", size: 20 * s, bold: false, centred: false, top: y, left: margin, width: inner, maxLines: 2, cr)
        }
        // The check-out QR: whole dots per module (crisp on a thermal head), about 1 mm each on
        // 58 mm paper, with its four-module quiet zone kept clear.
        let module = max(4, (8 * s).rounded(.down))
        let quiet = module * 4
        let symbol = module * Double(matrix.size)
        y += quiet
        let qrLeft = ((Double(width) - symbol) / 2).rounded(.down)
        items.append(.qr(matrix, x: qrLeft, y: y.rounded(), module: module))
        y = y.rounded() + symbol + quiet * 0.75
        y = paragraph("Quét mã này khi ra / Scan this when you leave", size: 17 * s, bold: false, centred: true, top: y, left: margin, width: inner, maxLines: 2, cr)
        y = paragraph(slip.code, size: 56 * s, bold: true, centred: true, top: y + 4 * s, left: margin, width: inner, maxLines: 1, cr)
        if !slip.notice.isEmpty {
            y = rule(y + 8 * s, left: margin, width: inner, s) + 6 * s
            for line in slip.notice {
                y = paragraph(line, size: 15 * s, bold: false, centred: false, top: y, left: margin, width: inner, maxLines: 4, cr)
            }
        }
        // Every paragraph has a line limit, so this bound is never reached; it is a guard, not
        // a layout rule (the QR and code above it must never be cut off).
        height = min(Self.maxHeight, Int((y + 24 * s).rounded(.up)))
    }

    // MARK: Text

    /// Lines of `text` at `size`, wrapped to `width`; more than `maxLines` end in "…".
    private mutating func paragraph(
        _ text: String, size: Double, bold: Bool, centred: Bool, top: Double, left: Double, width: Double, maxLines: Int,
        _ cr: OpaquePointer
    ) -> Double {
        var lines = TextDocument.wrap(text, width: width) { measure($0, size: size, bold: bold, cr) }
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            var last = lines[lines.count - 1]
            while !last.isEmpty, measure(last + "…", size: size, bold: bold, cr) > width { last.removeLast() }
            lines[lines.count - 1] = last + "…"
        }
        var y = top
        let lineHeight = (size * 1.22).rounded()
        for line in lines {
            let w = measure(line, size: size, bold: bold, cr)
            let x = centred ? left + max(0, (width - w) / 2) : left
            // Baseline at about 0.93 of the line: room above for Vietnamese stacked marks.
            let baseline = (y + size * 0.98).rounded()
            items.append(.text(line, x: x.rounded(), baseline: baseline, size: size, bold: bold, onInk: false))
            y += lineHeight
        }
        return y
    }

    private func lineCount(_ text: String, size: Double, bold: Bool, width: Double, _ cr: OpaquePointer) -> Int {
        TextDocument.wrap(text, width: width) { measure($0, size: size, bold: bold, cr) }.count
    }

    /// The widest extent of `text`: the advance, or the ink when a glyph overhangs it.
    private func measure(_ text: String, size: Double, bold: Bool, _ cr: OpaquePointer) -> Double {
        Self.select(cr, size: size, bold: bold)
        var e = cairo_text_extents_t()
        cairo_text_extents(cr, text, &e)
        return max(e.x_advance, e.x_bearing + e.width)
    }

    /// The largest size up to `start` at which `text` fits on one line.
    private func fitSize(_ text: String, start: Double, bold: Bool, width: Double, _ cr: OpaquePointer) -> Double {
        var size = start
        while size > 8, measure(text, size: size, bold: bold, cr) > width { size *= 0.92 }
        return size
    }

    private mutating func rule(_ y: Double, left: Double, width: Double, _ s: Double) -> Double {
        let thickness = max(2, (2 * s).rounded())
        items.append(.box(x: left, y: y.rounded(), width: width, height: thickness))
        return y.rounded() + thickness
    }

    static func select(_ cr: OpaquePointer, size: Double, bold: Bool) {
        cairo_select_font_face(cr, font, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    // MARK: Drawing

    /// Draws every item in dots. `paperIsClear`: on an alpha-only raster, "white" is no ink at
    /// all (text on the reprint banner is cut out of it); on PDF it is white paint.
    func draw(_ cr: OpaquePointer, paperIsClear: Bool) {
        func ink() {
            cairo_set_operator(cr, CAIRO_OPERATOR_OVER)
            cairo_set_source_rgb(cr, 0, 0, 0)
        }
        func paper() {
            if paperIsClear {
                cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR)
            } else {
                cairo_set_operator(cr, CAIRO_OPERATOR_OVER)
                cairo_set_source_rgb(cr, 1, 1, 1)
            }
        }
        for item in items {
            switch item {
            case .box(let x, let y, let w, let h):
                ink()
                cairo_rectangle(cr, x, y, w, h)
                cairo_fill(cr)
            case .qr(let m, let x, let y, let module):
                ink()
                cairo_save(cr)
                cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
                CairoCanvas.fillQR(cr, m, x: x, y: y, module: module)
                cairo_restore(cr)
            case .text(let text, let x, let baseline, let size, let bold, let onInk):
                if onInk { paper() } else { ink() }
                Self.select(cr, size: size, bold: bold)
                // A single character wider than the line (a long emoji sequence) is cut at the
                // paper's edge rather than printed past it.
                cairo_save(cr)
                cairo_rectangle(cr, margin, 0, Double(width) - 2 * margin, Double(height))
                cairo_clip(cr)
                cairo_move_to(cr, x, baseline)
                cairo_show_text(cr, text)
                cairo_restore(cr)
            }
        }
        ink()
    }
}
