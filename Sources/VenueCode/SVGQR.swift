/// A QR code as a standalone SVG: one path of horizontal runs, crisp edges, white quiet
/// zone. Written by hand rather than through cairo: it is a few lines and gives a much
/// smaller file that any browser or print shop opens.
public enum SVGQR {
    public static func render(_ matrix: QRMatrix, scale: Int) -> String {
        let q = TerminalQR.quietZone
        let n = matrix.size + 2 * q
        var d = ""
        for y in 0..<matrix.size {
            var x = 0
            while x < matrix.size {
                guard matrix[x, y] else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < matrix.size && matrix[x + run, y] { run += 1 }
                d += "M\(x + q) \(y + q)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let px = n * max(1, scale)
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="\(px)" height="\(px)" viewBox="0 0 \(n) \(n)" shape-rendering="crispEdges">
            <rect width="\(n)" height="\(n)" fill="#ffffff"/>
            <path fill="#000000" d="\(d)"/>
            </svg>

            """
    }
}
