/// A QR code alone as a PNG: `scale` pixels per module, 4-module quiet zone, crisp edges,
/// written as a 1-bit greyscale PNG (faster than the `qrencode` command makes the same).
public enum QRImage {
    public static func png(_ matrix: QRMatrix, scale: Int) throws(VenueCodeError) -> [UInt8] {
        let s = max(1, min(scale, 64))
        let q = TerminalQR.quietZone
        let modules = matrix.size + 2 * q
        let side = modules * s
        return try PNGEncoder.greyscale(width: side, height: side, bitDepth: 1, rowBytes: (side + 7) / 8) { y, line in
            // 1 = white; dark modules clear their bits.
            line.update(repeating: 0xFF)
            let my = y / s - q
            for mx in -q..<(matrix.size + q) where matrix[mx, my] {
                for px in ((mx + q) * s)..<((mx + q) * s + s) {
                    line[px >> 3] &= ~(0x80 >> UInt8(px & 7))
                }
            }
        }
    }
}
