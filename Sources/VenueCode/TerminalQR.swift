/// Draws a QR matrix with text characters, for the guard's screen (F5) and
/// `kiosk venue-qr --format terminal`.
///
/// Half blocks put two module rows in one character row, so a version-5 code (37 modules plus
/// quiet zone) needs only 45×23 cells and is large enough to scan off a monitor. The ASCII
/// fallback uses two columns per module for terminals without Unicode block characters.
public enum TerminalQR {
    public enum Style: String, Sendable, CaseIterable {
        case halfBlocks = "half-blocks"
        case ascii
    }

    public static let quietZone = 4

    /// Character cells needed for the code alone (quiet zone included).
    public static func size(of matrix: QRMatrix, style: Style) -> (columns: Int, rows: Int) {
        let n = matrix.size + 2 * quietZone
        switch style {
        case .halfBlocks: return (n, (n + 1) / 2)
        case .ascii: return (2 * n, n)
        }
    }

    /// The code as lines of characters, dark modules drawn as ink (▀ ▄ █ or ##).
    public static func lines(_ matrix: QRMatrix, style: Style) -> [String] {
        let q = quietZone
        let range = -q..<(matrix.size + q)
        var out: [String] = []
        switch style {
        case .halfBlocks:
            for y in stride(from: -q, to: matrix.size + q, by: 2) {
                var line = ""
                line.reserveCapacity(range.count * 3)
                for x in range {
                    let top = matrix[x, y], bottom = matrix[x, y + 1]
                    line.append(top ? (bottom ? "█" : "▀") : (bottom ? "▄" : " "))
                }
                out.append(line)
            }
        case .ascii:
            for y in range {
                var line = ""
                for x in range { line += matrix[x, y] ? "##" : "  " }
                out.append(line)
            }
        }
        return out
    }

    /// The code centred in a `columns`×`rows` screen with the title above it. With `colour`,
    /// each line is black on white (SGR 30;47) so the code reads dark on light whatever the
    /// terminal's own colours; without, the characters are the ink.
    public static func screen(
        _ matrix: QRMatrix, title: String, style: Style, colour: Bool, columns: Int, rows: Int
    ) throws(VenueCodeError) -> String {
        let need = size(of: matrix, style: style)
        let needRows = need.rows + 2
        guard need.columns <= columns, needRows <= rows else {
            throw .terminalTooSmall(needColumns: need.columns, needRows: needRows, columns: columns, rows: rows)
        }
        let left = String(repeating: " ", count: (columns - need.columns) / 2)
        var out = ""
        let titleText = String(title.prefix(columns))
        out += String(repeating: " ", count: max(0, (columns - titleText.count) / 2)) + titleText + "\n\n"
        for line in lines(matrix, style: style) {
            out += left + (colour ? "\u{1B}[30;47m" + line + "\u{1B}[0m" : line) + "\n"
        }
        return out
    }
}
