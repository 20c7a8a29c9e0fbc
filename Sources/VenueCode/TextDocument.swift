import CCairo

/// A plain document of titled sections drawn to an A4 PDF: the privacy processing record.
/// Here because this module owns cairo and the fonts the posters use (DejaVu Sans has every
/// Vietnamese letter); lines are wrapped at word boundaries and pages added as needed.
public struct TextDocument: Sendable {
    public struct Section: Sendable {
        public var title: String
        public var lines: [String]
        public init(title: String, lines: [String]) {
            self.title = title
            self.lines = lines
        }
    }

    public var title: String
    public var sections: [Section]

    public init(title: String, sections: [Section]) {
        self.title = title
        self.sections = sections
    }

    static let pageWidth = 595.0, pageHeight = 842.0, margin = 50.0
    static let bodySize = 9.5, headingSize = 13.0

    public func pdf() throws(VenueCodeError) -> [UInt8] {
        try CairoCanvas.render(.pdf(width: Self.pageWidth, height: Self.pageHeight), what: "report PDF", title: title) { cr in
            var y = Self.margin
            let width = Self.pageWidth - 2 * Self.margin
            func newPageIfNeeded(_ height: Double) {
                if y + height > Self.pageHeight - Self.margin {
                    cairo_show_page(cr)
                    cairo_set_source_rgb(cr, 1, 1, 1)
                    cairo_paint(cr)
                    y = Self.margin
                }
            }
            func draw(_ text: String, size: Double, bold: Bool, indent: Double) {
                cairo_set_source_rgb(cr, 0, 0, 0)
                cairo_select_font_face(cr, Poster.font, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
                cairo_set_font_size(cr, size)
                for line in Self.wrap(text, width: width - indent, measure: { s in
                    var e = cairo_text_extents_t()
                    cairo_text_extents(cr, s, &e)
                    return e.x_advance
                }) {
                    newPageIfNeeded(size * 1.4)
                    y += size * 1.4
                    cairo_move_to(cr, Self.margin + indent, y)
                    cairo_show_text(cr, line)
                }
            }
            for (i, section) in sections.enumerated() {
                if i > 0 { y += Self.bodySize }
                newPageIfNeeded(Self.headingSize * 3)
                draw(section.title, size: i == 0 ? Self.headingSize + 3 : Self.headingSize, bold: true, indent: 0)
                y += 3
                for line in section.lines {
                    let indent = line.hasPrefix("  ") ? 14.0 : 0
                    draw(line.hasPrefix("  ") ? String(line.dropFirst(2)) : line, size: Self.bodySize, bold: false, indent: indent)
                }
            }
        }
    }

    /// Greedy word wrap; a single word wider than the line is cut between characters (never
    /// inside one, so no letter loses its diacritics).
    public static func wrap(_ text: String, width: Double, measure: (String) -> Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if measure(candidate) <= width {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current) }
            current = ""
            for ch in word {
                if !current.isEmpty, measure(current + String(ch)) > width {
                    lines.append(current)
                    current = ""
                }
                current.append(ch)
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
