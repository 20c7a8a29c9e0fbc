/// A QR code as a standalone SVG: one path of horizontal runs, crisp edges, white quiet
/// zone. Written by hand rather than through cairo: it is a few lines and gives a much
/// smaller file that any browser or print shop opens.
public enum SVGQR {
    /// The code as an SVG file, or (`declaration: false`) as an element to inline in HTML.
    /// The path is written as bytes: it is on every self check-in's confirmation page.
    public static func render(_ matrix: QRMatrix, scale: Int, declaration: Bool = true) -> String {
        let q = TerminalQR.quietZone
        let n = matrix.size + 2 * q
        var d: [UInt8] = []
        d.reserveCapacity(matrix.size * matrix.size * 2)
        func number(_ v: Int) {
            if v >= 10 { number(v / 10) }
            d.append(UInt8(ascii: "0") + UInt8(v % 10))
        }
        for y in 0..<matrix.size {
            var x = 0
            while x < matrix.size {
                guard matrix[x, y] else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < matrix.size && matrix[x + run, y] { run += 1 }
                // M{x} {y}h{run}v1h-{run}z
                d.append(UInt8(ascii: "M")); number(x + q); d.append(0x20); number(y + q)
                d.append(UInt8(ascii: "h")); number(run); d += [UInt8(ascii: "v"), UInt8(ascii: "1"), UInt8(ascii: "h"), UInt8(ascii: "-")]
                number(run); d.append(UInt8(ascii: "z"))
                x += run
            }
        }
        let px = n * max(1, scale)
        return (declaration ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : "") + """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(px)" height="\(px)" viewBox="0 0 \(n) \(n)" shape-rendering="crispEdges">
            <rect width="\(n)" height="\(n)" fill="#ffffff"/>
            <path fill="#000000" d="\(String(decoding: d, as: UTF8.self))"/>
            </svg>

            """
    }
}
