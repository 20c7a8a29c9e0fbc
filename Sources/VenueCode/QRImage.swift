import CCairo

/// A QR code alone as a PNG: `scale` pixels per module, 4-module quiet zone, crisp edges.
public enum QRImage {
    public static func png(_ matrix: QRMatrix, scale: Int) throws(VenueCodeError) -> [UInt8] {
        let s = max(1, min(scale, 64))
        let side = (matrix.size + 2 * TerminalQR.quietZone) * s
        return try CairoCanvas.render(.png(width: side, height: side), what: "QR PNG") { cr throws(VenueCodeError) in
            cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
            let q = Double(TerminalQR.quietZone * s)
            CairoCanvas.fillQR(cr, matrix, x: q, y: q, module: Double(s))
        }
    }
}
